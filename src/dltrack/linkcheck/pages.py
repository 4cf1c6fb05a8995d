"""Page bytes as text, for the content rules: pure functions, no I/O."""

from __future__ import annotations

import codecs
import contextlib
import re

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
