"""Guess what sort of reading item a link is, from its address and title."""

from __future__ import annotations

import re
from functools import lru_cache

from dltrack.importer.urls import host_and_path

__all__ = ["KIND_HINTS", "guess_kind"]

# The values match dltrack.seed.Kind; the importer does not import pydantic models.
KIND_HINTS = ("article", "paper", "book", "repo", "course", "topic", "video")

_PAPER_HOSTS = (
    "arxiv.org",
    "openreview.net",
    "aclanthology.org",
    "aclweb.org",
    "papers.nips.cc",
    "proceedings.neurips.cc",
    "proceedings.mlr.press",
    "jmlr.org",
    "jmlr.csail.mit.edu",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "link.springer.com",
    "openaccess.thecvf.com",
    "semanticscholar.org",
    "paperswithcode.com",
)
_CODE_HOSTS = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org")
_COURSE_HOSTS = (
    "coursera.org",
    "udacity.com",
    "edx.org",
    "fast.ai",
    "course.fast.ai",
    "deeplearning.ai",
    "study.163.com",
    "mooc.study.163.com",
    "icourse163.org",
)
_VIDEO_HOSTS = (
    "youtube.com",
    "youtu.be",
    "bilibili.com",
    "b23.tv",
    "vimeo.com",
    "youku.com",
    "v.qq.com",
    "ixigua.com",
    "videolectures.net",
)
_BOOK_TITLE = re.compile(r"^\s*《[^》]+》")
_COURSE_PATH = re.compile(r"(^|[/_-])(courses?|lectures?|mooc)([/_.-]|$)", re.I)


_PAPER = frozenset(_PAPER_HOSTS)
_CODE = frozenset(_CODE_HOSTS)
_COURSE = frozenset(_COURSE_HOSTS)
_VIDEO = frozenset(_VIDEO_HOSTS)


# The most labels a listed domain has (mooc.study.163.com): no longer suffix can match.
_MOST_LABELS = max(d.count(".") + 1 for d in _PAPER | _CODE | _COURSE | _VIDEO)


def _domains(host: str) -> set[str]:
    """host and the domains it is under, up to _MOST_LABELS labels: a.b.c -> {a.b.c, b.c, c}."""
    # A host is on domain d when it is d or ends with "." + d: one set lookup per list
    # instead of a comparison with each of its domains. Only the last labels are
    # joined, so a host of many labels costs its length, not its length squared.
    labels = host.rsplit(".", _MOST_LABELS)
    return {".".join(labels[i:]) for i in range(len(labels))}


# A reading list names the same few hundred hosts thousands of times.
@lru_cache(maxsize=4096)
def _host_kind(host: str) -> str | None:
    """Which list of hosts host is on: 'paper', 'code', 'video', 'course' or None."""
    on = _domains(host)
    for kind, hosts in (("paper", _PAPER), ("code", _CODE), ("video", _VIDEO), ("course", _COURSE)):
        if not on.isdisjoint(hosts):
            return kind
    return None


def guess_kind(title: str, url: str | None) -> str | None:
    """The likely kind of an item ('paper', 'repo', 'book', ...), or None when unsure."""
    if _BOOK_TITLE.match(title):
        return "book"
    if not url:
        return None
    parts = host_and_path(url)
    if parts is None:
        return None
    host, path = parts
    on = _host_kind(host)
    if on == "paper" or path.lower().endswith(".pdf"):
        return "paper"
    if on == "code":
        # github.com/owner/repo is a repository; github.com/owner alone is a profile.
        segments = [s for s in path.split("/") if s]
        return "repo" if len(segments) >= 2 else "article"
    if on == "video":
        return "video"
    if on == "course" or _COURSE_PATH.search(path):
        return "course"
    return "article"
