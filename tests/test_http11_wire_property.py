"""The HTTP/1.1 client is total and bounded: every split, cut or corruption of an answer ends.

The pure half feeds generated answers to ``wire.ResponseParser`` in random pieces: an
intact answer parses to exactly what was sent, a cut one is whole or a WireError,
garbage is a WireError, and nothing makes the parser hold more than MAX_HEAD bytes
or ask for more input once told the input has ended. The socket half sends generated
scripts from a loopback server (127.0.0.1 only) and times each exchange of the pool
against the deadlines its Timeouts promise.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ipaddress
import itertools
import signal
import socket
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dltrack.linkcheck.http11 import pool as pool_module
from dltrack.linkcheck.http11.errors import (
    AnswerCut,
    BadRequest,
    ConnectionLost,
    HttpError,
    NoAnswer,
    ReadTimedOut,
    WireError,
)
from dltrack.linkcheck.http11.pool import OriginPool, Timeouts
from dltrack.linkcheck.http11.wire import (
    MAX_HEAD,
    MAX_INFORMATIONAL,
    Head,
    ResponseParser,
    parse_head,
    request_head,
)

# Fixed examples (derandomize) and no example database: the same cases on every run.
PURE = settings(deadline=None, derandomize=True, database=None)
# Each socket example waits out real timeouts (up to a second), which Hypothesis would
# otherwise report as a slow data generation: too_slow is expected here, not a smell.
SOCKET = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# -- generated answers ----------------------------------------------------------------------

# Bytes are drawn whole and mapped onto an alphabet: drawing them one by one would
# make generating the answers most of the cost of the tests.
_TCHAR = b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Field content is visible ASCII and obs-text; whitespace only between words.
_VCHAR = bytes(c for c in range(0x21, 0x100) if c != 0x7F)
_QDTEXT = bytes(c for c in _VCHAR + b" \t" if c not in b'"\\')


def over(alphabet: bytes, min_size: int = 0, max_size: int = 10) -> st.SearchStrategy[bytes]:
    """Byte strings made of alphabet."""
    table = bytes(alphabet[i % len(alphabet)] for i in range(256))
    return st.binary(min_size=min_size, max_size=max_size).map(lambda b: b.translate(table))


tokens = over(_TCHAR, min_size=1)
words = over(_VCHAR, min_size=1)
inner_space = st.sampled_from([b" ", b"\t", b"  ", b" \t"])
eols = st.sampled_from([b"\r\n", b"\n"])  # bare LF is tolerated, as browsers do
ows = st.sampled_from([b"", b" ", b"\t", b"  "])
fold_space = st.sampled_from([b" ", b"\t", b"   "])
blank_lines = st.lists(eols, max_size=3).map(b"".join)  # allowed before a status line


field_texts = st.tuples(words, st.lists(st.tuples(inner_space, words), max_size=2)).map(
    lambda parts: parts[0] + b"".join(space + word for space, word in parts[1])
)  # a header value or reason phrase: words with whitespace between them
reasons = st.one_of(st.just(b""), field_texts)
plain_names = st.one_of(
    st.sampled_from([b"Content-Type", b"Location", b"Set-Cookie", b"Server", b"Date"]),
    tokens.map(lambda token: b"X-" + token),
)
name_cases = st.sampled_from([bytes, bytes.lower, bytes.upper])  # as servers write them
positions = st.integers(0, 2**16)
quoted = over(_QDTEXT).map(lambda text: b'"' + text + b'"')
extension_values = st.one_of(tokens, quoted)
versions = st.sampled_from([b"HTTP/1.1", b"HTTP/1.0"])
informational = st.sampled_from([100, 102, 103, 199])  # 101 is final: a switch
finals = st.one_of(st.integers(200, 599), st.sampled_from([204, 304]))
_CONNECTION = [None, b"close", b"keep-alive", b"Keep-Alive", b"TE, close", b"upgrade"]
connections = st.sampled_from(_CONNECTION)
small_bodies = st.binary(max_size=300)
chunk_lists = st.lists(st.binary(min_size=1, max_size=64), max_size=4)


# The helpers below take Hypothesis's draw rather than being strategies themselves: a
# strategy built per call with new arguments is validated anew on each draw, which
# made generating answers most of the cost of these tests.


def header_line(draw: st.DrawFn, name: bytes, value: bytes | None) -> tuple[bytes, bytes]:
    """(the header as sent, its value as a recipient must read it).

    Without a fixed value, the value may be folded over several lines (obs-fold),
    starting on the name's line or on the next one; RFC 9112 section 5.2 reads each
    fold as one space, and section 5.1 trims the value's leading and trailing space.
    """
    if value is not None:
        return name + b":" + draw(ows) + value + draw(ows) + draw(eols), value
    segments = draw(st.lists(field_texts, max_size=3))
    on_next_line = bool(segments) and draw(st.booleans())
    first = b"" if on_next_line else (segments[0] if segments else b"")
    folded = segments if on_next_line else segments[1:]
    wire = name + b":" + draw(ows) + first + draw(ows) + draw(eols)
    for segment in folded:
        wire += draw(fold_space) + segment + draw(ows) + draw(eols)
    return wire, b" ".join(segments)


def head(
    draw: st.DrawFn, version: bytes, status: int, fixed: Sequence[tuple[bytes, bytes]] = ()
) -> tuple[bytes, bytes, list[tuple[bytes, bytes]]]:
    """(head as sent with its blank line, reason, headers as read).

    fixed: headers with exact values (framing, Connection), put in among the others.
    """
    reason = draw(reasons)
    if reason:
        line = version + b" %03d " % status + reason
    else:  # no reason phrase, with or without the space before it
        line = version + b" %03d" % status + draw(st.sampled_from([b"", b" "]))
    specs: list[tuple[bytes, bytes | None]] = [
        (name, None) for name in draw(st.lists(plain_names, max_size=4))
    ]
    for name, value in fixed:
        specs.insert(draw(positions) % (len(specs) + 1), (name, value))
    wire = line + draw(eols)
    headers = []
    for name, value in specs:
        sent, read = header_line(draw, name, value)
        wire += sent
        headers.append((name, read))
    return wire + draw(eols), reason, headers


def chunk_size_line(draw: st.DrawFn, size: int) -> bytes:
    """A chunk-size line: hex in either case, maybe zero-padded, maybe with extensions."""
    digits = b"%x" % size
    digits = b"0" * min(draw(st.integers(0, 3)), 16 - len(digits)) + digits
    if draw(st.booleans()):
        digits = digits.upper()
    line = digits
    for _ in range(draw(st.integers(0, 2))):
        line += draw(st.sampled_from([b"", b" ", b"\t"])) + b";" + draw(tokens)
        if draw(st.booleans()):
            line += b"=" + draw(extension_values)
    return line + draw(eols)


def chunked_body(draw: st.DrawFn) -> tuple[bytes, bytes, list[tuple[int, int]]]:
    """(chunked body as sent, the data it carries, (start, end) of each size line)."""
    chunks = draw(chunk_lists)
    wire = b""
    lines = []
    for chunk in [*chunks, b""]:
        start = len(wire)
        wire += chunk_size_line(draw, len(chunk))
        lines.append((start, len(wire)))
        if chunk:
            wire += chunk + draw(eols)
    for name in draw(st.lists(plain_names, max_size=2)):  # trailer fields
        wire += name + b": " + draw(field_texts) + draw(eols)
    return wire + draw(eols), b"".join(chunks), lines


@dataclass(frozen=True)
class Answer:
    """A generated response: its bytes, and what a parser must make of them."""

    method: str
    wire: bytes
    version: bytes
    status: int
    reason: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    framing: str  # "length", "chunked", "close" (until close) or "none"
    keep_alive: bool
    heads_end: tuple[int, ...]  # offset after each head, informational ones first
    size_lines: tuple[tuple[int, int], ...] = ()  # chunked: (start, end) of each size line

    @property
    def head_end(self) -> int:
        """Offset of the first body byte."""
        return self.heads_end[-1]

    def head(self) -> Head:
        """The final head as the parser must report it."""
        return Head(self.version, self.status, self.reason, list(self.headers))


@st.composite
def answers(draw: st.DrawFn, max_body: int = 300, framing: str | None = None) -> Answer:
    """A valid response, maybe after blank lines and informational (1xx) answers.

    framing: "length", "chunked" or "close" for a body framed that way; None for any.
    """
    method = draw(st.sampled_from(["GET", "GET", "GET", "HEAD"])) if framing is None else "GET"
    wire = b""
    heads_end = []
    for _ in range(draw(st.integers(0, 3))):
        sent, _reason, _headers = head(draw, draw(versions), draw(informational))
        wire += draw(blank_lines) + sent
        heads_end.append(len(wire))

    version = draw(versions)
    status = draw(finals)
    if framing is not None and status in (204, 304):
        status = 200
    fixed: list[tuple[bytes, bytes]] = []
    connection = draw(connections)
    if connection is not None:
        fixed.append((draw(name_cases)(b"Connection"), connection))
    keep_alive = version == b"HTTP/1.1"
    if connection is not None and b"close" in connection.lower():
        keep_alive = False
    elif connection is not None and b"keep-alive" in connection.lower():
        keep_alive = True

    body = b""
    body_wire = b""
    size_lines: list[tuple[int, int]] = []
    if method == "HEAD" or status in (204, 304):
        framing = "none"  # whatever the headers say
        if draw(st.booleans()):
            length = b"%d" % draw(st.integers(0, 10**6))
            fixed.append((draw(name_cases)(b"Content-Length"), length))
    else:
        framing = framing or draw(st.sampled_from(["length", "chunked", "close"]))
        if framing == "length":
            body_wire = body = draw(small_bodies)[:max_body]
            size = b"%d" % len(body)
            value = draw(st.sampled_from([size, size + b", " + size, b"00" + size]))
            name = draw(name_cases)(b"Content-Length")
            fixed.append((name, value))
            if draw(st.booleans()):  # repeated, agreeing: allowed
                fixed.append((name, size))
        elif framing == "chunked":
            body_wire, body, size_lines = chunked_body(draw)
            coding = draw(st.sampled_from([b"chunked", b"Chunked", b"gzip, chunked"]))
            fixed.append((draw(name_cases)(b"Transfer-Encoding"), coding))
        else:
            body_wire = body = draw(small_bodies)[:max_body]
            keep_alive = False
            if draw(st.booleans()):  # a coding without chunked also means "until close"
                fixed.append((draw(name_cases)(b"Transfer-Encoding"), b"gzip"))

    sent, reason, headers = head(draw, version, status, fixed)
    wire += draw(blank_lines) + sent
    heads_end.append(len(wire))
    start = len(wire)
    return Answer(
        method=method,
        wire=wire + body_wire,
        version=version,
        status=status,
        reason=reason,
        headers=tuple(headers),
        body=body,
        framing=framing,
        keep_alive=keep_alive,
        heads_end=tuple(heads_end),
        size_lines=tuple((start + a, start + b) for a, b in size_lines),
    )


def split_at(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    """data in pieces, cut at each offset (empty pieces included: they must be harmless)."""
    bounds = [0, *sorted(min(c, len(data)) for c in cuts), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


@st.composite
def splits(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """data as it might arrive: whole, byte by byte, or cut at random offsets."""
    how = draw(st.sampled_from(["random", "random", "whole", "bytes"]))
    if how == "whole":
        return [data]
    if how == "bytes":
        return [data[i : i + 1] for i in range(len(data))]
    return split_at(data, draw(st.lists(st.integers(0, len(data)), max_size=8)))


# -- driving the parser ---------------------------------------------------------------------


class Endless(Exception):
    """The parser did not return within its time: it loops."""


@contextlib.contextmanager
def returns_within(seconds: float) -> Iterator[None]:
    """Fail with Endless if the block runs longer than seconds (main thread, POSIX)."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def alarm(_signum: int, _frame: object) -> None:
        raise Endless(f"no answer from the parser within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    """What a parser made of some input."""

    head: Head | None = None
    body: bytes = b""
    done: bool = False
    keep_alive: bool = False
    leftover: bytes = b""  # in the buffer at the end: not the parser's
    error: WireError | None = None

    def summary(self) -> tuple[Any, ...]:
        """What must not depend on how the input was split."""
        head = None if self.head is None else (self.head.status, self.head.headers)
        if not self.done:
            return head, type(self.error)
        return head, type(self.error), self.body, self.keep_alive, self.leftover


def parse(pieces: Sequence[bytes], method: str = "GET", *, eof: bool = True) -> Outcome:
    """Feed pieces one by one (more input may follow each), then say the input ended.

    Only WireError is caught: any other exception is a failure of the property.
    """
    buffer = bytearray()
    parser = ResponseParser(buffer, method)
    out = Outcome()
    body = bytearray()

    def step(at_eof: bool) -> None:
        if out.head is None:
            out.head = parser.head(at_eof)
            if out.head is None:
                assert not at_eof, "head() asked for more input after the input ended"
                assert len(buffer) <= MAX_HEAD, f"holds {len(buffer)} bytes of head"
                return
        if not out.done:
            data, out.done = parser.body(at_eof)
            body.extend(data)
            if not out.done:
                assert not at_eof, "body() asked for more input after the input ended"
                assert len(buffer) <= MAX_HEAD, f"holds {len(buffer)} bytes of a body line"

    try:
        with returns_within(5.0):
            for piece in pieces:
                buffer += piece
                step(False)
            if eof:
                step(True)
    except WireError as exc:
        out.error = exc
    out.body = bytes(body)
    out.keep_alive = parser.keep_alive
    out.leftover = bytes(buffer)
    return out


def assert_whole(out: Outcome, answer: Answer, body: bytes, leftover: bytes = b"") -> None:
    """The parser read answer whole: its head, this body, and left the rest alone."""
    assert out.error is None, repr(out.error)
    assert out.head == answer.head()
    assert out.done
    assert out.body == body
    assert out.keep_alive == answer.keep_alive
    assert out.leftover == leftover


def expected_cut(answer: Answer, k: int) -> type[WireError] | None:
    """The error class a parser must raise for answer.wire[:k] and EOF (None: whole)."""
    wire = answer.wire
    if k >= len(wire) or (answer.framing == "close" and k >= answer.head_end):
        return None
    if k >= answer.head_end:
        return AnswerCut  # in the body
    started = max((end for end in answer.heads_end if end <= k), default=0)
    if wire[started:k].strip(b"\r\n"):
        return AnswerCut  # in a head
    if not wire[:k].strip(b"\r\n"):
        return NoAnswer  # nothing but blank lines came
    return WireError  # after informational answers: either reading is fair


def assert_cut(out: Outcome, answer: Answer, k: int) -> None:
    """The outcome of a cut answer is the whole answer, or the right WireError."""
    expected = expected_cut(answer, k)
    if expected is None:
        end = len(answer.wire) if answer.framing != "close" else k
        body = answer.body if answer.framing != "close" else answer.wire[answer.head_end : k]
        assert_whole(out, answer, body, answer.wire[end:k])
        return
    assert isinstance(out.error, expected), (k, out.error)
    assert not out.done
    if k >= answer.head_end:
        assert out.head == answer.head()  # the head arrived whole; only its body was cut
    else:
        assert out.head is None


# -- pure properties ------------------------------------------------------------------------

extras = st.one_of(st.just(b""), st.binary(max_size=20), st.just(b"HTTP/1.1 200 OK\r\n"))


@settings(PURE, max_examples=50)
@given(answer=answers(), data=st.data())
def test_an_intact_answer_parses_to_exactly_what_was_sent(answer: Answer, data: st.DataObject):
    # Bytes after a length-framed body belong to the next answer: they must be left alone.
    extra = b"" if answer.framing == "close" else data.draw(extras, label="extra")
    out = parse(data.draw(splits(answer.wire + extra), label="pieces"), answer.method)
    assert_whole(out, answer, answer.body, extra)


@settings(PURE, max_examples=50)
@given(answer=answers(), data=st.data())
def test_an_answer_cut_anywhere_is_whole_or_a_wire_error(answer: Answer, data: st.DataObject):
    k = data.draw(st.integers(0, len(answer.wire)), label="cut")
    pieces = data.draw(splits(answer.wire[:k]), label="pieces")
    assert_cut(parse(pieces, answer.method), answer, k)


@settings(PURE, max_examples=10)
@given(answer=answers(max_body=60), cuts=st.lists(st.floats(0, 1), max_size=3))
def test_an_answer_cut_at_every_offset_is_whole_or_a_wire_error(answer: Answer, cuts: list[float]):
    for k in range(len(answer.wire) + 1):
        prefix = answer.wire[:k]
        assert_cut(parse([prefix], answer.method), answer, k)
        pieces = split_at(prefix, [int(c * k) for c in cuts])
        assert_cut(parse(pieces, answer.method), answer, k)


@settings(PURE, max_examples=30)
@given(answer=answers(framing="chunked"), data=st.data())
def test_a_chunked_body_cut_in_a_size_line_is_cut_not_waiting(answer: Answer, data: st.DataObject):
    start, end = data.draw(st.sampled_from(answer.size_lines), label="line")
    k = data.draw(st.integers(start, end - 1), label="cut")  # its last byte (LF) not sent
    out = parse(data.draw(splits(answer.wire[:k]), label="pieces"), answer.method)
    assert isinstance(out.error, AnswerCut), out.error
    assert out.head == answer.head()


_MUTATION_BYTES = [
    b"\r",
    b"\n",
    b"\r\n",
    b"\r\n\r\n",
    b" ",
    b":",
    b";",
    b",",
    b"0",
    b"f",
    b"\x00",
    b"\xff",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"Content-Length: 3\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"ffffffffffffffff\r\n",
]
mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete"]),
        st.integers(0, 10**6),
        st.one_of(st.sampled_from(_MUTATION_BYTES), st.binary(min_size=1, max_size=4)),
    ),
    min_size=1,
    max_size=4,
)


def mutate(data: bytes, changes: Sequence[tuple[str, int, bytes]]) -> bytes:
    """data with bytes flipped, inserted or deleted (positions wrap around)."""
    out = bytearray(data)
    for kind, position, stuff in changes:
        at = position % (len(out) + 1)
        if kind == "insert" or not out:
            out[at:at] = stuff
        elif kind == "flip":
            at %= len(out)
            out[at] ^= stuff[0] or 0x20
        else:
            del out[at : at + len(stuff)]
    return bytes(out)


def assert_total(data: bytes, pieces: Sequence[bytes], method: str) -> None:
    """Any input: a WireError or a parse (parse() lets nothing else through), the same
    whichever way the input was split."""
    assert b"".join(pieces) == data
    assert parse(pieces, method).summary() == parse([data], method).summary()
    with contextlib.suppress(WireError):  # a head or a WireError, nothing else
        parse_head(data)


@settings(PURE, max_examples=50)
@given(answer=answers(), changes=mutations, data=st.data())
def test_a_corrupted_answer_is_a_wire_error_or_a_parse(
    answer: Answer, changes: list[tuple[str, int, bytes]], data: st.DataObject
):
    spoiled = mutate(answer.wire, changes)
    assert_total(spoiled, data.draw(splits(spoiled), label="pieces"), answer.method)


_HTTP_SOUP = [
    *_MUTATION_BYTES,
    b"HTTP/1.1 ",
    b"HTTP/1.0 ",
    b"HTTP/2 ",
    b"200 OK",
    b"101 ",
    b"204 ",
    b"999",
    b"Connection: close\r\n",
    b"Content-Length: ",
    b"Transfer-Encoding: gzip\r\n",
    b"5\r\nhello\r\n",
    b"0\r\n",
    b"\t",
    b"x",
]


@settings(PURE, max_examples=100)
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.lists(st.sampled_from(_HTTP_SOUP), max_size=30).map(b"".join),
    ),
    method=st.sampled_from(["GET", "HEAD"]),
    pieces=st.data(),
)
def test_random_bytes_are_a_wire_error_or_a_parse(data: bytes, method: str, pieces: st.DataObject):
    assert_total(data, pieces.draw(splits(data), label="pieces"), method)


def stream(prefix: bytes, unit: bytes, piece: int) -> Iterator[bytes]:
    """prefix, then unit again and again, in pieces of `piece` bytes."""
    pending = prefix
    while True:
        while len(pending) < piece:
            pending += unit * max(1, piece // len(unit))
        yield pending[:piece]
        pending = pending[piece:]


def bytes_until_refused(prefix: bytes, unit: bytes, piece: int, limit: int) -> int:
    """How many bytes of an endless head phase a parser takes before its WireError."""
    buffer = bytearray()
    parser = ResponseParser(buffer, "GET")
    fed = 0
    with returns_within(5.0):
        for chunk in stream(prefix, unit, piece):
            buffer += chunk
            fed += len(chunk)
            try:
                assert parser.head(False) is None
            except WireError:
                return fed
            assert len(buffer) <= MAX_HEAD
            if fed > limit:
                pytest.fail(f"still reading a head after {fed} bytes")
    raise AssertionError("unreachable")


@st.composite
def informational_heads(draw: st.DrawFn) -> bytes:
    """One 1xx answer (101 excepted: it is final), headers of any size included."""
    sent, _reason, _headers = head(draw, draw(versions), draw(informational))
    if draw(st.booleans()):  # a big one, so that the byte limit comes first
        pad = b"X-Pad: " + b"p" * draw(st.integers(0, 9000)) + b"\r\n"
        sent = sent.replace(b"\n", b"\n" + pad, 1)
    return sent


@settings(PURE, max_examples=30)
@given(
    unit=st.one_of(st.sampled_from([b"\r\n", b"\n", b"\r\n\r\n"]), informational_heads()),
    piece=st.integers(1, 9000),
)
def test_an_endless_prelude_is_refused_after_bounded_input(unit: bytes, piece: int):
    # Blank lines go in pairs ("\r\n\r\n"): the prelude grows 4 bytes at a time at most.
    bound = MAX_HEAD + max(len(unit), 4) + piece
    if unit.startswith(b"HTTP/"):
        bound = min(bound, (MAX_INFORMATIONAL + 1) * len(unit) + piece)
    assert bytes_until_refused(b"", unit, piece, bound) <= bound


@settings(PURE, max_examples=20)
@given(
    line=st.sampled_from([b"HTTP/1.1 200 OK\r\nX-Endless: ", b"HTTP/1.1 200 OK", b"x"]),
    piece=st.integers(512, 9000),
)
def test_an_endless_head_is_refused_after_max_head_bytes(line: bytes, piece: int):
    assert bytes_until_refused(line, b"a", piece, MAX_HEAD + piece) <= MAX_HEAD + piece


@settings(PURE, max_examples=10)
@given(
    prelude=st.integers(1, MAX_HEAD // 4),
    piece=st.integers(512, 9000),
)
def test_the_head_budget_counts_the_blank_lines_before_it(prelude: int, piece: int):
    # The parser counts blank lines and informational answers into the same MAX_HEAD as
    # the final head (an answer whose prelude and head together pass it is refused), so
    # the bytes it takes before refusing an endless head must not grow with the prelude.
    taken = bytes_until_refused(
        b"\r\n\r\n" * prelude + b"HTTP/1.1 200 OK\r\nX: ", b"a", piece, 3 * MAX_HEAD
    )
    assert taken <= MAX_HEAD + piece


@settings(PURE, max_examples=40)
@given(
    size=st.integers(MAX_HEAD - 40, MAX_HEAD + 40) | st.integers(100, 3 * MAX_HEAD),
    blanks=blank_lines,
    piece=st.integers(1000, 20000),
)
def test_a_head_is_accepted_up_to_max_head_and_refused_beyond(size: int, blanks: bytes, piece: int):
    start = blanks + b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Big: "
    end = b"\r\n\r\n"
    wire = start + b"b" * max(0, size - len(start) - len(end)) + end
    out = parse(split_at(wire, range(piece, len(wire), piece)))
    if len(wire) <= MAX_HEAD:
        assert out.error is None and out.done
    else:
        assert type(out.error) is WireError


@settings(PURE, max_examples=10)
@given(
    where=st.sampled_from(["size", "extension", "trailer"]),
    piece=st.integers(512, 9000),
)
def test_an_endless_chunked_line_is_refused_after_max_head_bytes(where: str, piece: int):
    prefix = {"size": b"", "extension": b"5;x=", "trailer": b"0\r\nX-T: "}[where]
    buffer = bytearray(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    parser = ResponseParser(buffer, "GET")
    assert parser.head(False) is not None
    fed = 0
    with pytest.raises(WireError), returns_within(5.0):
        for chunk in stream(prefix, b"0" if where == "size" else b"v", piece):
            buffer += chunk
            fed += len(chunk)
            assert fed <= MAX_HEAD + piece, "still reading a chunked line"
            assert parser.body(False) == (b"", False)
            assert len(buffer) <= MAX_HEAD


@settings(PURE, max_examples=50)
@given(
    target=st.binary(min_size=1, max_size=30),
    fields=st.lists(st.tuples(st.binary(max_size=12), st.binary(max_size=20)), max_size=4),
)
def test_a_request_head_is_sent_as_given_or_refused(
    target: bytes, fields: list[tuple[bytes, bytes]]
):
    parts = [target, *(b for pair in fields for b in pair)]
    try:
        sent = request_head("GET", target, fields)
    except BadRequest:
        assert any(b"\r" in p or b"\n" in p for p in parts)
        return
    assert not any(b"\r" in p or b"\n" in p for p in parts)
    lines = sent.split(b"\r\n")
    assert lines[0] == b"GET " + target + b" HTTP/1.1"
    assert lines[1:-2] == [name + b": " + value for name, value in fields]
    assert lines[-2:] == [b"", b""]


# -- a loopback server that sends scripts ---------------------------------------------------


@dataclass(frozen=True)
class Script:
    """What the server sends for one request: (pause before, bytes) steps, then an ending.

    ending: "close" (FIN), "reset" (RST), or "silent" (keep the connection and wait for
    the next request). repeat: after the steps, send these bytes at this interval until
    the client leaves.
    """

    steps: tuple[tuple[float, bytes], ...]
    ending: str = "silent"
    repeat: tuple[float, bytes] | None = None

    @property
    def data(self) -> bytes:
        """Every byte the script sends, pauses aside."""
        return b"".join(piece for _pause, piece in self.steps)


@dataclass
class ScriptServer:
    """A loopback server answering each request path with its script."""

    host: str = "127.0.0.1"
    port: int = 0
    scripts: dict[str, Script] = field(default_factory=dict)
    _counter: Iterator[int] = field(default_factory=itertools.count)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None

    def add(self, script: Script) -> bytes:
        """A fresh request target that answers with script."""
        path = f"/{next(self._counter)}"
        self.scripts[path] = script
        return path.encode()

    def start(self) -> None:
        """Serve in a background thread until stop()."""
        ready = threading.Event()

        def main() -> None:
            loop = self._loop = asyncio.new_event_loop()
            server = loop.run_until_complete(asyncio.start_server(self._handle, self.host, 0))
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            server.close()
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()

            async def finish() -> None:
                await asyncio.gather(*tasks, return_exceptions=True)

            loop.run_until_complete(finish())
            loop.close()

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        assert ready.wait(10)

    def stop(self) -> None:
        """Stop serving; connections still open are dropped."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                script = self.scripts[request.split(b" ", 2)[1].decode()]
                for pause, piece in script.steps:
                    if pause:
                        await writer.drain()
                        await asyncio.sleep(pause)
                    writer.write(piece)
                await writer.drain()
                if script.repeat is not None:
                    interval, piece = script.repeat
                    give_up = loop.time() + 5  # a client that never leaves is a failure
                    while not reader.at_eof() and loop.time() < give_up:
                        await asyncio.sleep(interval)
                        writer.write(piece)
                        await writer.drain()
                    return
                if script.ending == "close":
                    return
                if script.ending == "reset":
                    sock = writer.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    writer.transport.abort()
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture(scope="module")
def script_server() -> Iterator[ScriptServer]:
    """One loopback server for the module; each example adds its own paths."""
    server = ScriptServer()
    assert ipaddress.ip_address(server.host).is_loopback
    server.start()
    yield server
    server.stop()


_census: contextvars.ContextVar[Census] = contextvars.ContextVar("census")


class Census:
    """Counts a pool's open sockets, and refuses any address outside 127.0.0.0/8.

    Sockets are counted into the census of the task that opens them (counting()), so
    that pools exercised side by side are counted apart.
    """

    def __init__(self) -> None:
        self.live = 0
        self.peak = 0

    @contextlib.contextmanager
    def counting(self) -> Iterator[None]:
        """Count the sockets opened by this task (and the tasks it starts) here."""
        token = _census.set(self)
        try:
            yield
        finally:
            _census.reset(token)


@contextlib.contextmanager
def census_of_sockets() -> Iterator[None]:
    """While active, every socket a pool opens is checked and counted."""
    open_tcp = pool_module.open_tcp

    async def counted_open_tcp(addresses: Any) -> Any:
        for _family, address in addresses:
            assert ipaddress.ip_address(address[0]) in ipaddress.ip_network("127.0.0.0/8")
        census = _census.get()
        conn = await open_tcp(addresses)
        census.live += 1
        census.peak = max(census.peak, census.live)
        close = conn.close

        def counted_close() -> None:
            if conn.close is counted_close:  # count each socket once
                del conn.close
                census.live -= 1
            close()

        conn.close = counted_close
        return conn

    with mock.patch.object(pool_module, "open_tcp", counted_open_tcp):
        yield


TIMEOUTS = Timeouts(connect=1.0, head=0.5, read=0.3)
SLACK = 1.0  # generous: a loaded CI machine must not make this a flaky test


@dataclass
class Exchange:
    """How one request over the pool ended, and how long it took."""

    seconds: float
    head: Head | None = None
    body: bytes = b""
    error: HttpError | None = None
    in_body: bool = False  # the error came while reading the body


async def exchange(pool: OriginPool, target: bytes, method: str = "GET") -> Exchange:
    """A request and its whole body; only HttpError is caught."""
    started = time.monotonic()
    result = Exchange(0.0)
    try:
        response = await pool.request(method, target, [(b"Host", b"127.0.0.1")], TIMEOUTS)
    except HttpError as exc:
        result.error = exc
    else:
        result.head = response.head
        chunks = []
        try:
            async for chunk in response.body:
                chunks.append(chunk)
        except HttpError as exc:
            result.error = exc
            result.in_body = True
        finally:
            await response.body.aclose()
        result.body = b"".join(chunks)
    result.seconds = time.monotonic() - started
    return result


def pure_expectation(script: Script, method: str) -> Outcome | type[HttpError]:
    """What the client must make of a script: what the parser makes of its bytes, or the
    error its ending must bring when the bytes alone are not a whole answer."""
    stalled = [i for i, (pause, _piece) in enumerate(script.steps) if pause > TIMEOUTS.head]
    steps = script.steps[: stalled[0]] if stalled else script.steps
    data = b"".join(piece for _pause, piece in steps)
    out = parse([data], method, eof=script.ending == "close" and not stalled)
    if out.error is None and not out.done:
        # The client gave up during a stall or a silence; or a reset cut the answer,
        # which is no end of it, even for a body that ends when the connection does.
        return ConnectionLost if script.ending == "reset" and not stalled else ReadTimedOut
    return out


def assert_as_parsed(result: Exchange, script: Script, method: str) -> None:
    """A socket exchange ends as the parser says its bytes do."""
    expected = pure_expectation(script, method)
    if script.ending == "reset" and isinstance(result.error, ConnectionLost):
        return  # a reset may overtake bytes the client has not read yet
    if not isinstance(expected, Outcome):
        assert isinstance(result.error, expected), (result.error, result.body)
        return
    if expected.error is not None:
        assert type(result.error) is type(expected.error), (result.error, expected.error)
        assert result.in_body == (expected.head is not None)
        return
    assert result.error is None, result.error
    assert result.head == expected.head
    assert result.body == expected.body


@st.composite
def scripts(draw: st.DrawFn, ending: str, shape: str, stall: bool) -> tuple[Script, str]:
    """(a script, the request method it answers), then the ending.

    shape: "any" (an answer whole, cut, spoiled or garbage), "head" (cut in its head)
    or "body" (a body-bearing answer, whole or cut in its body). The bytes come in
    pieces with short pauses, and with a stall if asked.
    """
    framing = None if shape == "any" else draw(st.sampled_from(["length", "chunked", "close"]))
    answer = draw(answers(max_body=200, framing=framing))
    data = answer.wire
    if shape == "head":
        data = data[: draw(st.integers(0, answer.head_end - 1))]
    elif shape == "body":
        data = data[: draw(st.integers(answer.head_end, len(data)))]
    else:
        kind = draw(st.sampled_from(["intact", "cut", "corrupt", "garbage"]))
        if kind == "cut":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind == "corrupt":
            data = mutate(data, draw(mutations))
        elif kind == "garbage":
            data = draw(st.binary(max_size=200))
    pieces = split_at(data, draw(st.lists(st.integers(0, len(data)), max_size=6)))
    pauses = draw(st.lists(st.floats(0, 0.02), min_size=len(pieces), max_size=len(pieces)))
    if stall:  # longer than both the head and the read timeout
        pauses[draw(st.integers(0, len(pauses) - 1))] = 0.6
    return Script(tuple(zip(pauses, pieces, strict=True)), ending), answer.method


# Ending, shape and stall are parameters rather than drawn: with a few fixed examples,
# drawing them spread the examples badly. Silences and stalls cost real timeouts (up to
# twice: a request waits for another's connection), so they get fewer examples.
@pytest.mark.parametrize(
    ("ending", "shape", "stall", "examples"),
    [
        ("close", "any", False, 6),
        ("close", "body", False, 3),
        ("reset", "body", False, 3),
        ("reset", "any", False, 2),
        ("silent", "body", False, 3),
        ("silent", "head", False, 2),
        ("close", "any", True, 1),
    ],
)
def test_every_exchange_ends_within_its_deadlines(
    script_server: ScriptServer, ending: str, shape: str, stall: bool, examples: int
):
    @settings(SOCKET, max_examples=examples)
    @given(drawn=scripts(ending, shape, stall))
    def each_script(drawn: tuple[Script, str]) -> None:
        exchanges_end_in_time(script_server, *drawn)

    each_script()


def exchanges_end_in_time(script_server: ScriptServer, script: Script, method: str) -> None:
    """One exchange on a pool of its own, and three on a pool of two, all end in time."""
    # The head ends by its deadline; body bytes come until the script ends; after
    # both, at most one read timeout waits for more: no exchange may take longer.
    script_time = sum(pause for pause, _ in script.steps)
    allowed = max(TIMEOUTS.head, script_time) + TIMEOUTS.read
    limit = 2

    async def main() -> tuple[Exchange, list[Exchange], Census, Census]:
        alone, shared = Census(), Census()
        one = OriginPool("http", script_server.host, script_server.port, ssl_context=None, limit=1)
        many = OriginPool(
            "http", script_server.host, script_server.port, ssl_context=None, limit=limit
        )

        async def on_its_own() -> Exchange:
            with alone.counting():
                return await exchange(one, script_server.add(script), method)

        async def side_by_side() -> list[Exchange]:
            with shared.counting():
                # One more request than connections: one of them waits for a turn.
                return await asyncio.gather(
                    *(exchange(many, script_server.add(script), method) for _ in range(limit + 1))
                )

        with census_of_sockets():
            first, rest = await asyncio.gather(on_its_own(), side_by_side())
        await one.aclose()
        await many.aclose()
        return first, rest, alone, shared

    first, rest, alone, shared = asyncio.run(main())
    assert first.seconds <= allowed + SLACK, first
    assert_as_parsed(first, script, method)
    for result in rest:
        # The request that waited for a connection may take two exchanges' time.
        assert result.seconds <= 2 * allowed + SLACK, result
    assert alone.peak <= 1 and shared.peak <= limit
    assert alone.live == shared.live == 0  # every socket was closed in the end


def run_one(script_server: ScriptServer, script: Script) -> Exchange:
    async def main() -> Exchange:
        pool = OriginPool("http", script_server.host, script_server.port, ssl_context=None, limit=1)
        try:
            return await exchange(pool, script_server.add(script))
        finally:
            await pool.aclose()

    return asyncio.run(main())


def test_a_head_sent_a_byte_at_a_time_gets_the_head_deadline_only(script_server: ScriptServer):
    # Each byte would reset a per-read timeout; the head deadline is one for the whole head.
    script = Script(((0.0, b"HTTP/1.1 200 OK\r\nX-Slow: "),), repeat=(0.1, b"a"))
    result = run_one(script_server, script)
    assert isinstance(result.error, ReadTimedOut) and not result.in_body
    assert TIMEOUTS.head - 0.05 <= result.seconds <= TIMEOUTS.head + 0.25


@pytest.mark.parametrize(
    ("unit", "interval", "error"),
    [
        (b"HTTP/1.1 100 Continue\r\n\r\n", 0.01, WireError),  # too many: refused at once
        (b"HTTP/1.1 100 Continue\r\n\r\n", 0.1, ReadTimedOut),  # too slow to count
        (b"\r\n", 0.02, ReadTimedOut),
    ],
)
def test_an_endless_prelude_fails_within_the_head_deadline(
    script_server: ScriptServer, unit: bytes, interval: float, error: type[HttpError]
):
    result = run_one(script_server, Script((), repeat=(interval, unit)))
    assert type(result.error) is error and not result.in_body
    assert result.seconds <= TIMEOUTS.head + 0.25


def test_a_stalled_body_fails_after_one_read_timeout(script_server: ScriptServer):
    script = Script(((0.0, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),))
    result = run_one(script_server, script)
    assert isinstance(result.error, ReadTimedOut) and result.in_body
    assert result.body == b"abc"
    assert TIMEOUTS.read - 0.05 <= result.seconds <= TIMEOUTS.read + 0.25


def test_a_slow_body_is_fine_while_each_wait_is_short(script_server: ScriptServer):
    # The read timeout bounds each wait, not the body: six waits of 80 ms pass.
    steps = ((0.0, b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n"),)
    steps += tuple((0.08, b"%d" % i) for i in range(6))
    result = run_one(script_server, Script(steps))
    assert result.error is None, result.error
    assert result.body == b"012345"
    assert result.seconds > TIMEOUTS.read


@pytest.mark.parametrize("pause", [0.0, 0.05])
def test_a_reset_is_no_end_of_a_body_read_until_close(script_server: ScriptServer, pause: float):
    # A reset (RST) discards what the server had not sent yet: unlike a close, it does
    # not say the body is whole, whatever the framing. A length-framed body cut by a
    # reset is ConnectionLost already; a body read until close must be too.
    steps = ((0.0, b"HTTP/1.1 200 OK\r\n\r\nuntil"), (pause, b" the end"))
    result = run_one(script_server, Script(steps, ending="reset"))
    assert isinstance(result.error, ConnectionLost), (result.error, result.body)
    assert result.in_body


def test_a_long_chunk_line_does_not_stall_the_body(script_server: ScriptServer):
    # The parser takes chunk lines up to MAX_HEAD; reading from the socket must not stay
    # paused while such a line, half received, waits in the buffer for its end.
    chunk = b"%x\r\n" % 30000 + b"d" * 30000 + b"\r\n"
    line = b"5;x=" + b"e" * 40000
    steps = (
        (0.0, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + line),
        (0.05, b"\r\nhello\r\n0\r\n\r\n"),
    )
    result = run_one(script_server, Script(steps, ending="close"))
    assert result.error is None, result.error
    assert result.body == b"d" * 30000 + b"hello"
