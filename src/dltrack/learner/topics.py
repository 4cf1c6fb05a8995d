"""What the catalogue has to read on a topic: items ranked by how well their titles match.

A topic (a course outline's 卷积神经网络, a book with no link) has nothing to open, so
`next` and `show` point at the catalogue's items on it. A title that holds the topic's
own name ranks first, then one that holds another of its names (learner/synonyms.py:
CNN for 卷积神经网络), then one that shares most of a name's character pairs and words
(links/titles.py) in another order. Within each, unread items come before read ones,
the topic's own track before the others, and the catalogue's order settles the rest.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from dltrack.learner.results import Place, SearchHit
from dltrack.learner.status import Status
from dltrack.learner.synonyms import GROUPS
from dltrack.links.titles import bigrams
from dltrack.store.db import Store, named
from dltrack.text import same_title

SHOWN: Final = 5  # suggestions for an item with nothing to open: a few, not a search page

# Of a name's pairs and words, the share a title must hold to be on it in other words:
# 概念与基本方法 holds two of 基本概念's three and is on it; 图像压缩算法 holds one of
# 模型压缩's two (压缩, once 模型 is left out) and is not.
_CLOSE: Final = 2 / 3

# Pairs and words so common in titles that sharing them says nothing: 循环神经网络 and
# 卷积神经网络 share 神经网络, and are not on one topic.
_GENERIC: Final = frozenset({
    "神经", "经网", "网络", "深度", "度学", "学习", "机器", "器学", "介绍", "简介", "入门",
    "基础", "模型", "方法", "教程", "neural", "network", "networks", "deep", "learning",
    "machine", "introduction", "the", "and", "for", "with", "from", "using", "model",
    "models", "tutorial",
})  # fmt: skip

_CANDIDATES = """
    SELECT i.id AS id, i.title AS title, i.url AS url,
           COALESCE(pr.status, 'unread') AS status,
           t.slug AS track_slug, t.title AS track_title,
           s.slug AS stage_slug, s.title AS stage_title
    FROM item i
    JOIN placement p ON p.item_id = i.id
    JOIN stage s ON s.id = p.stage_id
    JOIN track t ON t.slug = s.track_slug
    LEFT JOIN progress pr ON pr.item_id = i.id
    WHERE i.id IN (SELECT rowid FROM item_search WHERE {found})
      AND COALESCE(i.url, '') != '' AND i.id != ?
    ORDER BY t.position, s.position, p.position
"""


class _Name(NamedTuple):
    text: str  # normalised
    keys: frozenset[str]  # its pairs and words, the generic ones left out


def _word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def mentions(title: str, term: str) -> bool:
    """Whether title holds term, both normalised; a Latin word is never cut out of another.

    gan is not in "organ", but is in "GANs": a plural s may follow.
    """
    at = title.find(term)
    while at != -1:
        end = at + len(term)
        if not (_word(term[0]) and _word(title[at - 1 : at])):
            if _word(term[-1]) and title[end : end + 1] == "s":
                end += 1
            if not (_word(term[-1]) and _word(title[end : end + 1])):
                return True
        at = title.find(term, at + 1)
    return False


def names_of(topic: str) -> list[str]:
    """The topic's own name, then the other names of every group of synonyms it mentions."""
    own = same_title(topic)
    names = [own]
    # An outline that gives both names, 卷积神经网络 CNN, gives two names of one topic.
    parts: list[list[str]] = []
    for word in own.split():
        if parts and parts[-1][0].isascii() == word.isascii():
            parts[-1].append(word)
        else:
            parts.append([word])
    if len(parts) > 1:
        names += [" ".join(part) for part in parts]
    for group in GROUPS:
        if any(mentions(own, term) for term in group):
            names += [term for term in group if term not in names]
    return names


def _name(text: str) -> _Name:
    return _Name(text, frozenset(bigrams(text) - _GENERIC))


def _match(title: str, names: list[_Name]) -> tuple[int, float]:
    """How well a normalised title matches: 2 the own name, 1 another, 0 close; and how close."""
    if mentions(title, names[0].text):
        return 2, 1.0
    if any(mentions(title, n.text) for n in names[1:]):
        return 1, 1.0
    pairs = bigrams(title)
    share = max((len(n.keys & pairs) / len(n.keys) for n in names if len(n.keys) > 1), default=0.0)
    return (0, share) if share >= _CLOSE else (-1, 0.0)


def on_the_topic(
    store: Store, item_id: int, title: str, track_slug: str | None
) -> tuple[SearchHit, ...]:
    """The catalogue's items with a link on the topic of item_id, best first (at most SHOWN)."""
    names = [_name(n) for n in names_of(title) if n]
    if not names:
        return ()
    # Any title on a name holds one of its keys (a name without any, itself): SQLite
    # picks those out, and only they are compared here.
    keys = sorted({k for n in names for k in (n.keys or {n.text})})
    found = " OR ".join("instr(title, ?) > 0" for _ in keys)
    hits: dict[int, SearchHit] = {}
    for row in named(store.conn, _CANDIDATES.format(found=found), [*keys, item_id]):
        hit = hits.get(row["id"])
        if hit is None:
            hit = hits[row["id"]] = SearchHit(
                id=row["id"],
                title=row["title"],
                url=row["url"],
                status=Status(row["status"]),
                places=[],
            )
        hit.places.append(
            Place(
                track_slug=row["track_slug"],
                track_title=row["track_title"],
                stage_slug=row["stage_slug"],
                stage_title=row["stage_title"],
            )
        )
    ranked = []
    for order, hit in enumerate(hits.values()):
        tier, share = _match(same_title(hit.title), names)
        if tier < 0:
            continue
        finished = hit.status in (Status.DONE, Status.SKIPPED)
        elsewhere = all(p.track_slug != track_slug for p in hit.places)
        ranked.append(((-tier, finished, elsewhere, -share, order), hit))
    ranked.sort(key=lambda pair: pair[0])
    return tuple(hit for _, hit in ranked[:SHOWN])
