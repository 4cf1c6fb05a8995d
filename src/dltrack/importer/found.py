"""What the importer finds in a document: sections of reading items, and what it left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from dltrack.importer.skips import DEFAULT_FOOTERS, DEFAULT_SKIP_URLS
from dltrack.importer.urls import canonical

# Level given to sections opened by a bold line (or a configured heading line): below
# every real heading, so a bold line never closes a heading's footer skip early.
BOLD_LEVEL = 7

# True: every section; False: none; a set of titles: only the sections with those titles.
SectionFilter = bool | frozenset[str]


class ExtractError(ValueError):
    """The input cannot be read as a text document at all (e.g. it is binary data)."""


@dataclass(frozen=True, slots=True)
class FoundItem:
    """One reading item found in a document.

    ``url`` is cleaned (redirectors unwrapped, tracking removed) or None for items named
    without a link (books, topics). ``kind_hint`` is one of dltrack's kinds or None.
    ``context`` is the plain text of the block the entry came from, for curators who need
    to check it; it is prose, so callers must not store it. ``canonical_url`` is
    ``canonical(url)`` (None without a url), worked out once for every caller that
    compares items.
    """

    title: str
    url: str | None
    kind_hint: str | None = None
    context: str = ""
    canonical_url: str | None = field(init=False, default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # The extractor's dedupe and the catalogue's identity both compare by it; a
        # reading list of 700,000 links has too many distinct URLs for a cache to hold.
        if self.url:
            object.__setattr__(self, "canonical_url", canonical(self.url))


@dataclass(frozen=True)
class Skipped:
    """A link the extractor left out, and why (``reason`` is one of the constants above).

    ``section`` is the title of the section (or footer) it stood under; ``url`` is the
    link as written (None for a duplicate item without a link).
    """

    url: str | None
    title: str
    reason: str
    section: str = ""


@dataclass
class Section:
    """A heading (or bold line) and the items under it, in document order."""

    title: str
    level: int
    items: list[FoundItem] = field(default_factory=list)


@dataclass(frozen=True)
class ExtractOptions:
    """What to read as items besides links, and what to leave out."""

    books: SectionFilter = False  # 《title》 with no link in its block -> url-less book entry
    plain_items: SectionFilter = False  # a short link-less line or list item -> url-less entry
    lead_items: SectionFilter = False  # "**Name**. description" with no link -> entry "Name"
    bare_urls: SectionFilter = False  # https://... written out (also in code blocks)
    numbered_sections: bool = False  # a paragraph opening with bold "3." opens section "3."
    heading_lines: frozenset[str] = frozenset()  # plain lines to read as section headings
    footers: tuple[str, ...] = DEFAULT_FOOTERS
    skip_urls: tuple[str, ...] = DEFAULT_SKIP_URLS
    base_url: str | None = None  # resolves relative links; without it they are skipped
    dedupe: bool = True  # one entry per URL (or url-less title) within a section


@dataclass
class Extraction:
    """Everything extract_report found: the sections, and the links it left out."""

    sections: list[Section]
    skipped: list[Skipped]
