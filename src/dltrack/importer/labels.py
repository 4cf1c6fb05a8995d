"""Link texts that are not titles ("[pdf]", "链接", "here", "2", a URL), and bare URLs in text.

A reading list often names a paper once and links it with "[pdf] [code]", or writes
"算法刷题: https://…". The link text then says what sort of link it is, at best; the
title stands beside it. ``generic_label`` tells such texts apart and ``usable_title``
is the test a title must pass to be worth showing a learner (lint and the quality
benchmark ask it too). ``find_bare_urls`` finds addresses written out in text, ending
them where the text (Chinese punctuation, Markdown syntax) resumes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dltrack.importer.urls import host_of

__all__ = [
    "badge_label",
    "find_bare_urls",
    "generic_label",
    "glued_text",
    "label_kind",
    "looks_like_url",
    "part_label",
    "says_nothing",
    "usable_title",
]

# Link texts that say what a link is, not what it is about; with the kind they imply.
_LABEL_KINDS: dict[str, str | None] = {
    "pdf": "paper",
    "paper": "paper",
    "arxiv": "paper",
    "论文": "paper",
    "code": "repo",
    "github": "repo",
    "source": "repo",
    "source code": "repo",
    "代码": "repo",
    "源码": "repo",
    "video": "video",
    "视频": "video",
    "youtube": "video",
    "bilibili": "video",
    "slides": "article",
    "slide": "article",
    "ppt": "article",
    "blog": "article",
    "博客": "article",
    "project": "article",
    "project page": "article",
    "website": "article",
    "homepage": "article",
    "demo": "article",
    "notes": "article",
}
# Link texts that say nothing at all.
_SILENT = frozenset(
    {
        "link",
        "links",
        "here",
        "this",
        "click",
        "click here",
        "url",
        "web",
        "html",
        "more",
        "read more",
        "链接",
        "这里",
        "此处",
        "点此",
        "点击",
        "点击这里",
        "点这里",
        "戳这里",
        "传送门",
        "地址",
        "网址",
        "原文",
        "原文链接",
        "详情",
        "下载",
        "download",
        "官网",
        "主页",
    }
)
_LONGEST_LABEL = 2 + max(len(w) for w in (*_SILENT, *_LABEL_KINDS))  # with brackets
_DECORATION = " \t\n[]()【】（）<>《》「」{}:：.,，。;；!！?？-–—|/\\*_~'\"`"
_NUMBER = re.compile(r"\d{1,3}")
# A word and a note in parentheses after it: "视频（中文字幕）", "slides (2019)".
_NOTE = re.compile(r"(.+?)\s*[（(][^（）()]{1,20}[）)]")
# An address, or a host and path written without one ("example.org/page").
_URL_LIKE = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|[\w-]+(?:\.[\w-]+)+/)\S*$", re.I)

# A bare address: http(s):// or a scheme-less "www.", up to a space, a quote or Chinese
# punctuation (none of which an address holds unescaped).
_BARE = re.compile(
    r"(?:https?://|(?<![\w.@/-])www\.)"
    r"[^\s<>\"'`，。；：、）（【】《》「」『』！？“”‘’…\u3000]+",
    re.I,
)
_TRAILING = ".,;:!?'\"*_~"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# What a Markdown or Chinese text glues onto an address it did not end: "](", ")" before
# Chinese text, Chinese punctuation, an escaped ampersand.
_GLUED = re.compile(
    r"\]\(|\)[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]|[，。；：、）（【】《》「」！？]"
)


# Link texts that name a part of something ("Basic", "Part 2", "进阶") and nothing on
# their own: under an item, they are that item's parts.
_PART_WORDS = frozenset(
    {
        "basic",
        "basics",
        "advanced",
        "improving",
        "intro",
        "introduction",
        "overview",
        "summary",
        "beginner",
        "intermediate",
        "appendix",
        "基础",
        "进阶",
        "入门",
        "高级",
        "上篇",
        "中篇",
        "下篇",
        "续",
        "概述",
        "总结",
    }
)
_PART = re.compile(
    r"(?:part|lecture|lec|chapter|ch|week|lesson|session|day|episode|ep)\.?\s*\d{1,3}|"
    r"第[一二三四五六七八九十\d]{1,3}[章节课讲部集期篇]",
    re.I,
)


def _bare_word(text: str) -> str:
    return text.strip(_DECORATION).casefold()


def looks_like_url(text: str) -> bool:
    """True when text is an address rather than words."""
    return _URL_LIKE.match(text.strip(_DECORATION)) is not None


def generic_label(text: str) -> str | None:
    """For a link text that names no title, the word it does say ('pdf', '2', ''); else None.

    One Chinese character ("上", "下": the parts of a series) says no more than a number,
    and a label with a note in parentheses ("视频（中文字幕）") is that label.
    """
    # Most titles are longer than any label and hold no address: one test each.
    if len(text) > _LONGEST_LABEL and "/" not in text and "www." not in text:
        return None
    word = _bare_word(text)
    if not word or word in _SILENT or word in _LABEL_KINDS or _NUMBER.fullmatch(word):
        return word
    if len(word) == 1 and not word.isascii():
        return word
    if looks_like_url(text):
        return ""
    text = text.strip()
    if text.endswith((")", "）")) and (noted := _NOTE.fullmatch(text)) is not None:
        base = _bare_word(noted.group(1))
        return base if _is_label(base) else None
    return None


def says_nothing(text: str) -> bool:
    """True for a link text that says nothing at all ("this", "here", "链接")."""
    return len(text) <= _LONGEST_LABEL and _bare_word(text) in _SILENT


def part_label(text: str) -> bool:
    """True for a link text that names a part ("Basic", "Lecture 2", "进阶"), not a thing."""
    if len(text) > 16:
        return False
    word = _bare_word(text)
    return word in _PART_WORDS or _PART.fullmatch(word) is not None


def _is_label(word: str) -> bool:
    return word in _SILENT or word in _LABEL_KINDS or _NUMBER.fullmatch(word) is not None


# Where badges (small images of a count or a name) are drawn.
_BADGE_HOSTS = frozenset({"img.shields.io", "badgen.net", "badge.fury.io", "flat.badgen.net"})
_SITE_NAMES = {"youtu.be": "youtube", "youtube.com": "youtube", "m.youtube.com": "youtube"}


def badge_label(sources: list[str], alt: str, url: str) -> str | None:
    """The label of a link drawn as badges: their alt text, else the site; None if no badge."""
    if not sources or not all(host_of(s) in _BADGE_HOSTS or "badge" in s for s in sources):
        return None
    word = _bare_word(alt)
    if word:
        return word
    host = host_of(url).removeprefix("www.")
    return _SITE_NAMES.get(host, host)


def label_kind(label: str | None) -> str | None:
    """The kind a link's label implies: '[pdf]' is a paper, '[code]' a repository."""
    return _LABEL_KINDS.get(label) if label else None


def usable_title(title: str) -> bool:
    """True when a learner can tell from title what the item is."""
    word = _bare_word(title)
    return len(word) >= 2 and generic_label(title) is None


def _end(written: str) -> str:
    """A bare address without what follows it in the text: an unbalanced ')' or ']', '](…'."""
    depth = 0
    for index, char in enumerate(written):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return written[:index]
            depth -= 1
        elif char == "]" or (char == "&" and written.startswith(("&gt;", "&lt;"), index)):
            return written[:index]
    return written


def find_bare_urls(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, address) of each bare URL in text; a scheme-less one gets https://."""
    if "://" not in text and "www." not in text.lower():
        return
    position = 0
    while (match := _BARE.search(text, position)) is not None:
        written = _end(match.group(0)).rstrip(_TRAILING)
        # "https://example.org/a)中文": the ')' and what follows are the sentence's.
        if (cjk := _CJK.search(written)) is not None and written[cjk.start() - 1] in ")]":
            written = written[: cjk.start() - 1]
        end = match.start() + len(written)
        # What was cut off ("](https://…") is read again: it may hold the next address.
        position = max(end, match.start() + 1)
        if "." not in written.partition("//")[2] and not written.lower().startswith("www."):
            continue
        if written.lower().startswith("www."):
            written = "https://" + written
        yield match.start(), end, written


def glued_text(url: str) -> str | None:
    """The text a document glued onto url ('](', '）', ')中文', '&amp;'), or None."""
    if (match := _GLUED.search(url)) is not None:
        return match.group(0)
    if "&amp;" in url or "&#38;" in url:
        return "&amp;"
    return None
