"""Page bytes as text for the content rules (decoding with caps, charsets), and its title."""

from __future__ import annotations

import codecs
import contextlib
import html
import re
import zlib
from typing import Final

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Browsers read these labels as the superset encoding; so should we.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "ascii": "cp1252", "latin-1": "cp1252"}


def decode_body(data: bytes, charset: str | None) -> str:
    """Page bytes as text: declared charset, else a <meta> charset, else UTF-8; never fails."""
    if not charset:
        found = _META_CHARSET.search(data[:4096])
        charset = found.group(1).decode("ascii") if found else None
    name = "utf-8"
    if charset:
        with contextlib.suppress(LookupError, ValueError):  # unknown or malformed label
            name = codecs.lookup(charset).name
    name = _SUPERSETS.get(name, name)
    try:
        return data.decode(name, errors="replace")
    except (LookupError, ValueError, TypeError):  # not a text codec (base64, idna, ...)
        return data.decode("utf-8", errors="replace")


class UnsupportedEncoding(ValueError):
    """A Content-Encoding this checker does not decode (br, zstd, compress, ...)."""


# More layers than this is not compression but an attack (a few KB that unfold into GBs).
MAX_CODINGS = 3
_GZIP = 16 + zlib.MAX_WBITS


class _Layer:
    """One Content-Encoding layer, decoded incrementally with a cap on each call's output."""

    __slots__ = ("_coding", "_inflater", "_sniffed", "pending")

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._sniffed = coding != "deflate"
        self._inflater = zlib.decompressobj(_GZIP if coding != "deflate" else zlib.MAX_WBITS)
        self.pending = b""  # input not decoded yet: the output cap was reached first

    def decode(self, data: bytes, limit: int) -> bytes:
        """Up to limit bytes decoded from pending input and data."""
        data = self.pending + data if self.pending else data
        if not self._sniffed and data:
            # "deflate" is a zlib stream by the standard, raw deflate from some servers.
            self._sniffed = True
            if data[0] & 0x0F != 8:
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        out = self._inflater.decompress(data, limit)
        self.pending = self._inflater.unconsumed_tail
        if self._inflater.eof and self._inflater.unused_data and self._coding != "deflate":
            # gzip allows several members one after another: the next starts afresh.
            rest = self._inflater.unused_data
            self._inflater = zlib.decompressobj(_GZIP)
            self.pending = rest
        return out


class ContentDecoder:
    """A body's Content-Encoding undone as it arrives, never producing more than limit bytes.

    Memory stays near the cap whatever the body unfolds into, however many layers
    are stacked (up to MAX_CODINGS): each layer decodes at most the cap per call.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        codings = [
            c.strip().lower()
            for c in (content_encoding or "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise UnsupportedEncoding(f"unsupported content encoding {coding[:40]!r}")
        if len(codings) > MAX_CODINGS:
            raise UnsupportedEncoding(f"{len(codings)} stacked content encodings")
        # Decoded in the reverse of the order they were applied in.
        self._layers = [_Layer("gzip" if c == "x-gzip" else c) for c in reversed(codings)]
        self._limit = limit
        self.produced = 0

    @property
    def full(self) -> bool:
        """True once limit bytes have been produced."""
        return self.produced >= self._limit

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes that data (and what is pending) give, within the cap."""
        out: list[bytes] = []
        chunk = data
        while not self.full:
            for layer in self._layers:
                chunk = layer.decode(chunk, self._limit)
            chunk = chunk[: self._limit - self.produced]
            self.produced += len(chunk)
            out.append(chunk)
            # More to do only if some layer holds input back and the last round made progress.
            if not chunk or not any(layer.pending for layer in self._layers):
                break
            chunk = b""
        return b"".join(out)


MAX_TITLE: Final = 500
# Every repeat is bounded: a hostile page of 256 KiB of "<meta " cannot make a
# search quadratic.
_OG_TITLE: Final = re.compile(
    r"""<meta\s[^>]{0,300}?(?:property|name)\s*=\s*["']og:title["'][^>]{0,300}?"""
    r"""content\s*=\s*(?:"([^"]{0,4000})"|'([^']{0,4000})')""",
    re.IGNORECASE,
)
_OG_TITLE_AFTER: Final = re.compile(
    r"""<meta\s[^>]{0,300}?content\s*=\s*(?:"([^"]{0,4000})"|'([^']{0,4000})')"""
    r"""[^>]{0,300}?(?:property|name)\s*=\s*["']og:title["']""",
    re.IGNORECASE,
)
_TITLE: Final = re.compile(r"<title[^>]{0,200}>([^<]{0,4000})</title", re.IGNORECASE)
_SPACE: Final = re.compile(r"\s+")


def title_of(page: str) -> str | None:
    """The title a page gives itself, cleaned: og:title first (WeChat's is the article's)."""
    for pattern in (_OG_TITLE, _OG_TITLE_AFTER, _TITLE):
        match = pattern.search(page)
        if match:
            found = next((g for g in match.groups() if g), "")
            title = _SPACE.sub(" ", html.unescape(found)).strip()
            if title:
                return title[:MAX_TITLE]
    return None
