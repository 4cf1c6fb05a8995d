"""Which link targets are reading: web addresses, cleaned, minus the skip rules' matches."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin

from dltrack.importer.skips import (
    ANCHOR,
    DEFAULT_SKIP_URLS,
    NOT_WEB,
    RELATIVE,
    SKIP_REASONS,
    SKIP_RULE,
    default_rule_may_match,
)
from dltrack.importer.urls import clean, host_of

__all__ = ["Addresses"]

_SCHEMELESS_SKIP = ("javascript:", "mailto:", "tel:", "data:", "about:", "file:", "sms:")
_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_SPACE = re.compile(r"\s")
# What a relative link keeps as written: the URL syntax and escapes already made.
_PATH_SAFE = "/?#[]@!$&'()*+,;=%~:"


class Addresses:
    """The skip rules (patterns, as ExtractOptions.skip_urls) and the page's own address."""

    def __init__(self, skip_urls: tuple[str, ...], base_url: str | None) -> None:
        self.base_url = base_url
        self.skips = [(re.compile(p, re.I), SKIP_REASONS.get(p, SKIP_RULE)) for p in skip_urls]
        # With the default rules first, a URL none of them matches needs only the others.
        defaults = skip_urls[: len(DEFAULT_SKIP_URLS)] == DEFAULT_SKIP_URLS
        self.extra_skips = self.skips[len(DEFAULT_SKIP_URLS) :] if defaults else None

    def check(self, href: str) -> tuple[str | None, str]:
        """(cleaned URL, "") for a link worth keeping, else (None, why it is left out)."""
        href = href.strip()
        if not href:
            return None, NOT_WEB
        if href.startswith("#"):
            return None, ANCHOR
        if href.lower().startswith(_SCHEMELESS_SKIP):
            return None, href.split(":", 1)[0].lower() + ": link"
        if href.startswith("//"):
            href = "https:" + href
        elif href[:4].lower() == "www.":
            href = "https://" + href  # written without a scheme: no relative path starts so
        elif not _HAS_SCHEME.match(href):
            if not self.base_url:
                return None, RELATIVE  # a relative link means nothing without the page's address
            # A path written as the file is named ("笔记/模型：综述.md"): encoded, so
            # that its Chinese punctuation reads as part of the address, not as text.
            href = urljoin(self.base_url, quote(href, safe=_PATH_SAFE))
        url = clean(href)
        if not url.lower().startswith(("http://", "https://")) or not host_of(url):
            return None, NOT_WEB
        if _SPACE.search(url):
            return None, NOT_WEB
        skips = self.skips
        if self.extra_skips is not None and not default_rule_may_match(url):
            skips = self.extra_skips
        for pattern, reason in skips:
            if pattern.search(url):
                return None, reason
        return url, ""
