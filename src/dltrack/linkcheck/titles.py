"""A page's title (og:title, else <title>), fetched with the link checker's client and limits.

The same client, timeouts, decoded-body cap and redirect rules as check-links: a
learner's `dltrack add` meets the same hostile pages a check does.
"""

from __future__ import annotations

import asyncio

from dltrack.hosts import is_private
from dltrack.linkcheck.decisions import REDIRECTS
from dltrack.linkcheck.http.client import HttpClient, host_of, join, parse_url
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.pages import title_of


async def _fetch(url_text: str, options: CheckOptions) -> tuple[str | None, str | None]:
    url = parse_url(url_text)
    if url is None:
        return None, "not a link dltrack can fetch"
    client = HttpClient(options)
    # As check-links does: a public page may not redirect into this machine's network.
    public = not is_private(host_of(url))
    try:
        for hop in range(options.max_redirects + 1):
            deadline = asyncio.get_running_loop().time() + options.timeout
            outcome, _jar = await client.exchange(
                "GET",
                url,
                str(url),
                None,
                read_text=True,
                deadline=deadline,
                public_only=public and hop > 0 and not options.allow_private_redirects,
            )
            if outcome.failure is not None:
                return None, outcome.failure.reason
            if outcome.status in REDIRECTS and outcome.location:
                target = join(url, outcome.location)
                if target is None:
                    return None, "the page redirects to a link that cannot be followed"
                url = target
                continue
            if 200 <= outcome.status < 300:
                title = title_of(outcome.text or "")
                return title, None if title else "the page has no title"
            return None, f"the page answered {outcome.status}"
        return None, "too many redirects"
    finally:
        await client.aclose()


def page_title(url: str, *, timeout: float = 10.0) -> tuple[str | None, str | None]:
    """(the page's title, None), or (None, why there is none): offline, dead, no title."""
    options = CheckOptions(timeout=timeout, retries=0, concurrency=1, per_host=1)
    try:
        return asyncio.run(asyncio.wait_for(_fetch(url, options), timeout * 3))
    except TimeoutError:
        return None, f"no answer within {timeout * 3:.0f} s"
