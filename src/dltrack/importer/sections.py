"""The extractor's sections: headings opened, footers skipped, items added, links left out."""

from __future__ import annotations

import re

from dltrack.importer.found import (
    DUPLICATE,
    ExtractOptions,
    FoundItem,
    Section,
    Skipped,
    short_label,
)
from dltrack.importer.skips import CHROME, COMMENT_TITLE, COMMENTS, FOOTER
from dltrack.importer.titles import clean_title

__all__ = ["Sections"]


class Sections:
    """Where the items found go: the open section, footers skipped, links left out."""

    def __init__(self, options: ExtractOptions) -> None:
        self.options = options
        self.footers = [re.compile(p, re.I) for p in options.footers]
        self.section = Section("", 0)
        self.sections = [self.section]
        self.skip_level: int | None = None
        self.open_headings: list[tuple[int, str]] = []  # (level, title) above the section
        self.footer = ""  # title of the footer being skipped
        self.footer_reason = FOOTER  # why links in it are left out
        self.comments = 0  # depth of comment-thread containers (marked by htmlconv)
        self.chrome = 0  # depth of page chrome (a site's banner, menus: htmlconv)
        self.seen: set[str] = set()
        self.last_titled = ""  # the last link in this section with a title of its own
        self.skipped: list[Skipped] = []

    def is_footer(self, title: str) -> bool:
        return any(p.fullmatch(title) for p in self.footers)

    def open_section(self, title: str, level: int) -> None:
        if self.comments:
            return  # a heading inside a comment thread is part of the thread
        footer = self.is_footer(title)
        if self.skip_level is not None:
            if footer or level > self.skip_level:
                return  # still inside the footer
            self.skip_level = None
        if footer:
            self.skip_level = level
            self.footer = short_label(title)
            # Once per footer, not once per link under it: the title may be long.
            self.footer_reason = COMMENTS if COMMENT_TITLE.search(title) else FOOTER
            return
        while self.open_headings and self.open_headings[-1][0] >= level:
            self.open_headings.pop()
        parent = self.open_headings[-1][1] if self.open_headings else ""
        self.open_headings.append((level, title))
        self.section = Section(title, level, parent=parent)
        self.sections.append(self.section)
        self.seen = set()
        self.last_titled = ""

    def skip(self, url: str | None, title: str, reason: str) -> None:
        """Record a link left out; inside a footer, the footer is the reason."""
        if self.comments:
            reason, where = COMMENTS, ""
        elif self.chrome:
            reason, where = CHROME, ""
        elif self.skip_level is not None:
            reason, where = self.footer_reason, self.footer
        else:
            where = short_label(self.section.title)
        self.skipped.append(Skipped(url, clean_title(title), reason, where))

    def add(self, entry: FoundItem) -> None:
        if not entry.title:
            return
        if self.comments or self.chrome or self.skip_level is not None:
            self.skip(entry.url, entry.title, FOOTER)
            return
        if self.options.dedupe:
            key = entry.canonical_url
            if key is None:  # no link: the title names it
                key = "\0" + entry.title.casefold()
            if key in self.seen:
                self.skip(entry.url, entry.title, DUPLICATE)
                return
            self.seen.add(key)
        self.section.items.append(entry)
