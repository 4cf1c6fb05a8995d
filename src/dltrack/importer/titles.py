"""Titles as a source writes them, minus decoration; and a document's front matter."""

from __future__ import annotations

import re

FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(.*?)\n---[ \t]*(\n|\Z)", re.S)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
# " - 知乎" at the very end. Matched from the separator: a leading "\s*" would be tried
# from every space of a long run of them.
_SITE_SUFFIX = re.compile(
    r"[-_|–—]\s*(知乎专栏|知乎|CSDN博客|CSDN|简书|博客园|掘金|哔哩哔哩|bilibili|"
    r"GitHub|Medium|YouTube|微信公众平台)\s*\Z",
    re.I,
)
# Once whitespace is collapsed a site suffix is at most 12 characters long: only the
# end of a title is searched, not every start position of the whole title.
_SUFFIX_REACH = 24
# Decoration around a title. Stripped with str.rstrip/lstrip, not a `[...]+$` regex: a
# regex tries every start position of a long run that does not reach the end
# ("====x"), which is quadratic in the run. Whitespace is only " " by then.
_TRAILING = " :：>»›→|·•~～-–—="
_LEADING = " •·▪►▶→>-–—*=|"


def clean_title(text: str) -> str:
    """A title as the source wrote it, minus surrounding whitespace and decoration."""
    title = _INVISIBLE.sub("", text)
    title = _SPACE.sub(" ", title).strip()
    if suffix := _SITE_SUFFIX.search(title, max(len(title) - _SUFFIX_REACH, 0)):
        title = title[: suffix.start()].rstrip()
    title = title.rstrip(_TRAILING)
    return title.lstrip(_LEADING).strip()


def front_matter(text: str) -> dict[str, str]:
    """The simple 'key: value' fields of a leading YAML front-matter block, if any."""
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        return {}
    fields: dict[str, str] = {}
    for line in match.group(1).split("\n"):
        key, sep, value = line.partition(":")
        if not sep or not key.strip() or key.startswith((" ", "\t", "-")):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        fields[key.strip()] = value
    return fields
