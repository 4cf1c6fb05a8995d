"""What the importer finds in a document: sections of reading items, and what it left out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dltrack.importer.skips import DEFAULT_FOOTERS, DEFAULT_SKIP_URLS, DUPLICATE
from dltrack.importer.urls import canonical

BOOK = re.compile(r"《([^《》\n]{1,100})》")

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
    parent: str = ""  # the title of the heading this section stands under, if any


@dataclass(frozen=True)
class ExtractOptions:
    """What to read as items besides links, and what to leave out."""

    books: SectionFilter = False  # 《title》 with no link in its block -> url-less book entry
    plain_items: SectionFilter = False  # a short link-less line or list item -> url-less entry
    lead_items: SectionFilter = False  # "**Name**. description" with no link -> entry "Name"
    bare_urls: SectionFilter = False  # https://... and www.... written out in text
    code_urls: SectionFilter = False  # https://... written out in fenced code blocks
    books_in_prose: bool = True  # 《title》 inside a sentence counts too
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


# How much of a section's title names it in the report of what was skipped: every
# skipped link repeats it, so a heading of 100,000 characters would otherwise turn a
# small document into a report of gigabytes.
LABEL_LENGTH = 120


def short_label(title: str) -> str:
    """title, cut to LABEL_LENGTH characters."""
    return title if len(title) <= LABEL_LENGTH else title[: LABEL_LENGTH - 1] + "…"


def applies(option: SectionFilter, section: Section) -> bool:
    """Whether a per-section option is on for section."""
    if isinstance(option, bool):
        return option
    return section.title in option


def drop_linked_books(sections: list[Section], skipped: list[Skipped]) -> None:
    """Leave out a 《book》 named without a link when the document also links it."""
    if not any(f.url is None and f.kind_hint == "book" for s in sections for f in s.items):
        return
    linked: set[str] = set()
    for section in sections:
        for found in section.items:
            if found.url is not None:
                linked.add(found.title.strip("《》").casefold())
                if "《" in found.title:
                    linked.update(m.group(1).casefold() for m in BOOK.finditer(found.title))
    if not linked:
        return
    for section in sections:
        kept = []
        for found in section.items:
            if found.url is None and found.kind_hint == "book" and found.title.casefold() in linked:
                skipped.append(Skipped(None, found.title, DUPLICATE, short_label(section.title)))
            else:
                kept.append(found)
        section.items = kept
