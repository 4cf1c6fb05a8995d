"""Pieces of one line or list item: bold labels, ordinals, and titles taken from context.

When a link's text names no title ("[pdf]", "链接", a URL), the title stands beside
it: the text before it on its line, the title its neighbour on the line got, the text
after it, or the line before. ``Context`` follows the text of one list item or
paragraph as the extractor walks it and answers that question.
"""

from __future__ import annotations

import re

from dltrack.importer.markdown import Inline, Text, plain_text
from dltrack.importer.titles import clean_title
from dltrack.importer.urls import host_of

_ORDINAL = re.compile(r"^\s*(\d{1,3})\s*[.、．:：)）]?\s*$")
_CODE_HOSTS = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org")
_HOST_PART = re.compile(r"^[a-z]+://[^/]+", re.I)
# Separators between a title and its links: "Title: [pdf]", "Title - [code]", "Title ([1])".
_AROUND = " :：-–—|,，;；/([{（【"
_CLAUSE = re.compile(r"[。；;！!？?]\s*|[，,]\s*|\.\s+")
# Words that lead into a link rather than name it: "notes at <url>", "（见 <url>".
_LEAD_IN = re.compile(
    r"(?:\s+(?:see|at|in|via|from|on|is|are)|见|参见|详见|参考|请看|地址|网址|链接|下载)\s*\Z", re.I
)
# Words that join two links ("[paper](…) and [here](…)"): no title of either.
_JOINING = frozenset({"and", "or", "&", "+", "和", "与", "及", "以及", "或"})
# "Title. Authors et al., 2014." : the citation after the title is not part of it.
_CITATION = re.compile(r"(.{8,}?)\.\s+[^.]{0,80}?(?:et al|\b(?:19|20)\d\d\b).*")
# "Title (2017), K. He." and "Title (Book, Jan 2017), A. Author": the year in brackets
# ends the title; "Title, G. Hinton and R. Salakhutdinov.": so do initials after a comma.
_YEAR_CITATION = re.compile(
    r"(.{3,}?)\s*[(（][^()（）]{0,20}?\b(?:19|20)\d\d[a-z]?[)）][,，.:]?\s+\S.*"
)
_AUTHORS = re.compile(r"(.{8,}?)[,，]\s+(?:[A-Z]\.\s*)+[A-Z][\w'-]+\b.*")
# A title in quotes, as citations write it: Author. "Title." Venue, year.
_QUOTED = re.compile(r'["“]([^"“”\n]{8,200}?)[.,。]?["”]')
# A bold reference number opening a citation ("**[12]**"): a marker, not a name.
_CITATION_MARK = re.compile(r"[\[(（]?\d{1,3}[\])）]?[.、:：]?")
# Punctuation that carries a sentence on past a link: what follows it is no title.
_GOES_ON = (".", ",", ";", "。", "，", "；")
_KEEP = 300  # characters of a line's text kept: enough for any title
_ROW = 600  # characters of a table row kept, from its start: its first cells
_LONGEST = 100
_LONGEST_BOLD = 200


def _title_from(text: str, longest: int = _LONGEST) -> str:
    title = clean_title(text.replace("*", "")).strip(_AROUND)
    if len(title) > 40 and (quoted := _QUOTED.search(title)) is not None:
        return quoted.group(1).strip(" .,")  # a citation: its title is what it quotes
    title = _LEAD_IN.sub("", title).strip(_AROUND).lstrip(")]}）】").strip()
    if (cited := _YEAR_CITATION.fullmatch(title) or _AUTHORS.fullmatch(title)) is not None:
        title = cited.group(1)
    elif (citation := _CITATION.fullmatch(title)) is not None:
        title = citation.group(1)
    if len(title) > longest:
        # Prose, not a label: its last clause stands nearest the link.
        clauses = [c for c in _CLAUSE.split(title) if len(c.strip()) >= 4]
        last = clauses[-1].strip(_AROUND) if clauses else ""
        title = last if 4 <= len(last) <= longest else title[: longest - 1].rstrip() + "…"
    return title


class Context:
    """The text around the links of one list item or paragraph, as it is read."""

    def __init__(self, inherited: str = "") -> None:
        self.line = ""  # text on the current line since the last item
        self.row = ""  # the current line's text from its start, titles of links included
        self.previous = ""  # the last line of text before the current one
        self.shared = ""  # the title of the last item on this line
        self.bold = ""  # a bold label on the current line ("**Name**, a note [pdf]")
        self.uses = 0  # how many items have had the shared title
        # The title of the item before this list item: a link alone under it ("视频")
        # is a part of it.
        self.inherited = inherited

    def text(self, piece: str, *, bold: bool = False) -> None:
        """Text read between items."""
        if "\n" in piece:
            self.bold = ""
            lines = (self.line + piece).split("\n")
            for line in reversed(lines[:-1]):
                if line.strip():
                    self.previous = line[-_KEEP:]
                    break
            self.line, self.shared = lines[-1][-_KEEP:], ""
            self.row = lines[-1][:_ROW]
        else:
            self.line = (self.line + piece)[-_KEEP:]
            if len(self.row) < _ROW:  # full: a line of many pieces must not copy it each time
                self.row = (self.row + piece)[:_ROW]
        if bold and not self.bold and piece.strip() and not _CITATION_MARK.fullmatch(piece.strip()):
            self.bold = piece.rsplit("\n", 1)[-1][:_KEEP]

    def item(self, title: str | None = None) -> None:
        """An item was read, titled title (None: no title, e.g. a bare address)."""
        self.line = ""
        self.uses = self.uses + 1 if title and title == self.shared else 1
        self.shared = title or ""
        self.bold = ""
        if title and len(self.row) < _ROW:
            self.row = (self.row + title)[:_ROW]

    def in_table(self) -> bool:
        """True on a Markdown table row."""
        return self.row.lstrip().startswith("|")

    def title_for(self, after: str, *, inherit: bool = True) -> tuple[str, bool]:
        """(title, shared) for a link without a title of its own; after is the text after it.

        With inherit, a link alone on its line is a part of the item before ("视频");
        an address written out is not (a list of them is a list of sites).
        """
        # Bold marks a title out: a long one is still the title, not prose.
        if self.bold and (label := _title_from(self.bold, _LONGEST_BOLD)):
            return label, False
        if self.in_table():
            # The row's first cell of words, not the date or duration beside the link.
            cell = _row_title(self.row) or _row_title(after[:_KEEP].split("\n", 1)[0])
            return cell, bool(cell) and cell == self.shared
        if (before := _title_from(self.line)) and before.casefold() not in _JOINING:
            return before, False
        if self.shared:
            return self.shared, True
        rest = after[:_KEEP].split("\n", 1)[0].lstrip(" )]}）】")
        # "[[read more](…)]. Deep learning …": the sentence going on after the link is
        # no title; the line before, where the sentence began, names it.
        goes_on = rest.startswith(_GOES_ON)
        if not goes_on and (following := _title_from(rest)):
            return following, False
        if previous := _title_from(self.previous):
            return previous, False
        if goes_on and (following := _title_from(rest.lstrip("".join(_GOES_ON) + " "))):
            return following, False
        if not inherit:
            return "", False
        return self.inherited, bool(self.inherited)


def _row_title(row: str) -> str:
    """The first cell of a table row with letters in it ('' if none)."""
    for cell in row.split("|"):
        if any(char.isalpha() for char in cell) and (title := _title_from(cell)):
            return title
    return ""


def bare_title(url: str) -> str:
    """A readable title for a link written out as a bare URL."""
    host = host_of(url)
    rest = _HOST_PART.sub("", url).strip("/")
    if host.removeprefix("www.") in _CODE_HOSTS and rest:
        return rest  # owner/repo
    return (host.removeprefix("www.") + ("/" + rest if rest else "")) or url


def joins(gap: str) -> bool:
    """True when the text between two same-URL links is short enough to be one word."""
    return len(gap) <= 3 and "\0" not in gap and not any(c.isspace() for c in gap)


def bold_only(nodes: list[Inline]) -> bool:
    """True for a line that is nothing but bold text (no links, no images)."""
    seen_bold = False
    for node in nodes:
        if not isinstance(node, Text):
            return False
        if node.text.strip():
            if not node.bold:
                return False
            seen_bold = True
    return seen_bold and bool(clean_title(plain_text(nodes)))


def leading_ordinal(nodes: list[Inline]) -> str | None:
    """'3.' when a line opens with a bold ordinal such as **3.** or <b>3. </b>."""
    for node in nodes:
        if isinstance(node, Text) and not node.text.strip():
            continue
        if isinstance(node, Text) and node.bold and (m := _ORDINAL.match(node.text)):
            return m.group(0).strip()
        return None
    return None


def lead(nodes: list[Inline]) -> tuple[str, str] | None:
    """(name, rest) for '**Name**. rest of the text', else None."""
    head: Text | None = None
    for index, node in enumerate(nodes):
        if isinstance(node, Text) and not node.text.strip():
            continue
        if isinstance(node, Text) and node.bold:
            head = node
            rest = clean_title(plain_text(nodes[index + 1 :]))
            name = clean_title(head.text).rstrip("。.")
            if name and rest:
                return name, rest
        return None
    return None
