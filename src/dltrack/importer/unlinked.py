"""Reading items a list names without a usable link: 《books》 and empty links.

A book is often listed with a note in brackets (its edition, its author) and sometimes
with its other name there too (《机器学习》（别名《西瓜书》）): the note does not make the
line a sentence, and the other name is the same book. An empty link, "[Title]()", is a
title whose address the author meant to fill in later, unless it only titles the links
after it ("[Title]()：[上](…)，[下](…)").
"""

from __future__ import annotations

import re

from dltrack.importer.found import BOOK
from dltrack.importer.labels import generic_label, part_label, usable_title
from dltrack.importer.markdown import Inline, Link, Text, plain_text
from dltrack.importer.titles import clean_title

__all__ = ["book_titles", "empty_link_names_item", "without_notes"]

# A note in brackets beside a title.
_NOTE = re.compile(r"[（(][^（）()]*[）)]")
# "《机器学习》（别名《西瓜书》…）": the bracketed 《》 is another name of the same book.
_ALIAS = re.compile(
    r"(》\s*)[（(]\s*(?:别名|又名|又称|俗称|简称|也叫|也称|即|aka|a\.k\.a\.)?\s*[:：]?\s*《"
    r"[^（）()]*[）)]",
    re.I,
)


def book_titles(text: str) -> list[str]:
    """The 《titles》 in text, without the other names given in brackets after one."""
    return [clean_title(m.group(1)) for m in BOOK.finditer(_ALIAS.sub(r"\1", text))]


def without_notes(text: str) -> str:
    """text without its bracketed notes."""
    return _NOTE.sub("", text)


def empty_link_names_item(title: str, nodes: list[Inline], index: int) -> bool:
    """True for an empty link "[title]()" (nodes[index]) that names a reading item."""
    if not usable_title(title):
        return False
    for node in nodes[index + 1 : index + 3]:
        if isinstance(node, Text) and len(node.text.strip()) > 3:
            return True  # text between: the next link is an item of its own
        if isinstance(node, Link):
            named = clean_title(plain_text(node.children))
            return generic_label(named) is None and not part_label(named)
    return True
