"""The repository a document is the README of, and which of its own files are not reading.

An awesome list links its own scripts and data ("download every paper with [this]",
"a [bib file] of the list") beside the papers it lists; those are the list's
machinery, like its LICENSE. The list's own repository is the one ``--base-url``
names, or else the one that most of the document's links to files on GitHub
(github.com/OWNER/REPO/blob|tree/...) point at. Other repositories' files are content,
and so are the list's own readable files (its PDFs, notes, notebooks).
"""

from __future__ import annotations

import re
from collections import Counter

from dltrack.importer.labels import says_nothing

__all__ = ["OwnRepository"]

_REPO = re.compile(r"^https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+)", re.I)
# A repository's front page, github.com/owner/repo.
_FRONT_PAGE = re.compile(r"^https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+?)/?$", re.I)
_FILE_LINK = re.compile(r"github\.com/([\w.-]+)/([\w.-]+)/(?:blob|tree|raw)/", re.I)
# The list's data about itself: what it exports, how it is built.
_DATA = re.compile(
    r"\.(bib|bibtex|json|ya?ml|toml|cfg|ini|csv|tsv|lock)$|/requirements[\w.-]*\.txt$|/\.github/",
    re.I,
)
# Its tools: a script the README offers with "[this]" or "[here]" is machinery; one
# offered by name or as "[code]" beside a title (a tutorial's examples) is reading.
_SCRIPT = re.compile(r"\.(py|sh|bash|ps1|bat|js|rb|pl)$", re.I)


def _name(owner: str, repo: str) -> str:
    return f"{owner}/{repo.removesuffix('.git')}".casefold()


def _letters(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


class OwnRepository:
    """Which links of one document point at files of its own repository that are not reading."""

    def __init__(self, text: str, base_url: str | None) -> None:
        self.name: str | None = None
        if base_url and (match := _REPO.match(base_url)) is not None:
            self.name = _name(*match.groups())
            return
        if "github.com/" not in text:
            return
        counts = Counter(_name(*m.groups()) for m in _FILE_LINK.finditer(text))
        ranked = counts.most_common(2)
        # Two files at least, and more than any other repository: a list that links
        # three files of each of two repositories has no repository of its own here.
        if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
            self.name = ranked[0][0]

    def is_front_page(self, href: str, text: str) -> bool:
        """True for a link to the document's own repository: its name, or named by text.

        "# [Awesome X](github.com/me/awesome-x)" opening a README is the list's title.
        """
        if (match := _FRONT_PAGE.match(href)) is None:
            return False
        owner, repo = match.groups()
        if self.name == _name(owner, repo):
            return True
        return _letters(repo.removesuffix(".git")) == _letters(text)

    def is_meta(self, url: str, text: str) -> bool:
        """True for a link (cleaned url, link text) to the document's own data or tools."""
        if self.name is None or (match := _REPO.match(url)) is None:
            return False
        if _name(*match.groups()) != self.name:
            return False
        path = url[match.end() :].split("?", 1)[0].split("#", 1)[0]
        if _DATA.search(path) is not None:
            return True
        return _SCRIPT.search(path) is not None and says_nothing(text)
