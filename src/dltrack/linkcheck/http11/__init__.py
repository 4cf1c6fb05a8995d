"""A small HTTP/1.1 client on plain asyncio: what a link checker needs and nothing more.

GET or HEAD with a few headers, one request at a time per connection, keep-alive,
and the three body framings (Content-Length, chunked, until close). The wire
format is parsed by pure code (``wire``) that never waits and never touches a
socket, so it can be fed every split and truncation of an answer; ``connection``
opens sockets and buffers what arrives; ``pool`` keeps connections to one origin
and runs a request over them.

It knows nothing of httpx: ``dltrack.linkcheck.http`` plugs it in under the one
httpx client. Not supported, on purpose: HTTP/2, proxies (httpx's own transport
carries those), pipelining, upgrades, request bodies.
"""
