"""Extraction codes of file-sharing links: "[书](https://pan.baidu.com/s/…) 提取码: abcd".

A share on Baidu's and similar drives opens only with the code written beside it, so
a share link imported without it is useless. The importer keeps the code in the
item's title, "书 (提取码: abcd)", where a learner sees it next to the link: the
catalogue has no field for notes, and a title is what every command shows.
"""

from __future__ import annotations

import re

from dltrack.importer.urls import host_of

__all__ = ["names_codes", "share_code", "with_code"]

_HOSTS = (
    "pan.baidu.com",
    "yun.baidu.com",
    "aliyundrive.com",
    "alipan.com",
    "pan.quark.cn",
    "cloud.189.cn",
    "weiyun.com",
    "123pan.com",
)
_SUBDOMAINS = tuple("." + host for host in _HOSTS)
# The code follows the link within a few characters: "提取码: abcd", "（密码：xyz1）",
# "pwd: ab12". Four letters or digits, as these drives issue them.
_CODE = re.compile(
    r"[^\n]{0,12}?(?:提取码|提取密码|访问码|密码|验证码|pwd|password)\s*[:：]?\s*"
    r"([A-Za-z0-9]{4})(?![A-Za-z0-9])",
    re.I,
)
# A table with a column of codes ("| 资源 | 密码 |"): the cell after the link holds one.
_CELL_CODE = re.compile(r"[ \t]*\|[ \t]*([A-Za-z0-9]{4})[ \t]*(?:\||$)", re.M)
_COLUMN_WORDS = ("提取码", "密码", "password", "pwd")


def _is_share(url: str) -> bool:
    host = host_of(url).removeprefix("www.")
    if host in _HOSTS or host.endswith(_SUBDOMAINS):
        return True
    return host.startswith("lanzou") or ".lanzou" in host  # lanzoux.com, wwi.lanzoui.com, ...


def names_codes(block: str) -> bool:
    """True for a block (its plain text) that may be a table with a column of codes."""
    return "|" in block and any(word in block for word in _COLUMN_WORDS)


def share_code(url: str, after: str, *, cell: bool = False) -> tuple[str | None, str]:
    """The extraction code written in after (the text after a share link), and after without it.

    With cell (a table row of a table with a column of codes), the next cell may hold
    it alone. (None, after) when url is no share, carries its code ("?pwd=…"), or none
    is written.
    """
    if "pwd=" in url or not _is_share(url):
        return None, after
    match = _CODE.match(after[:80])
    if match is None and cell:
        match = _CELL_CODE.match(after[:80])
    if match is None:
        return None, after
    return match.group(1), after[match.end() :]


def with_code(title: str, code: str) -> str:
    """The title that carries a share's extraction code."""
    return f"{title} (提取码: {code})"
