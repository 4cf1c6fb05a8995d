"""What the catalogue has to read on a topic: items ranked by how well their titles match.

A topic (a course outline's 卷积神经网络, a book with no link) has nothing to open, so
`next` and `show` point at the catalogue's items on it. A title that holds the topic's
own name ranks first, then one that holds another of its names (learner/synonyms.py:
CNN for 卷积神经网络), then one that shares most of the own name's character pairs and
words (links/titles.py) in another order. Within each, unread items come before read ones,
the topic's own track before the others, and the catalogue's order settles the rest.
"""

from __future__ import annotations

import math
from typing import Final

from dltrack.learner.hits import hits
from dltrack.learner.results import SearchHit
from dltrack.learner.status import Status
from dltrack.learner.synonyms import GROUPS
from dltrack.links.titles import bigrams
from dltrack.records import Record
from dltrack.store.db import Store
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

# Titles of the index that may be on the topic (found), with what ranking needs: the
# first row of an item is its first place in the catalogue.
_CANDIDATES = """
    WITH found(id, title) AS ({found})
    SELECT f.id, f.title, COALESCE(pr.status, 'unread'), s.track_slug,
           t.position, s.position, p.position
    FROM found f
    JOIN item i ON i.id = f.id
    JOIN placement p ON p.item_id = i.id
    JOIN stage s ON s.id = p.stage_id
    JOIN track t ON t.slug = s.track_slug
    LEFT JOIN progress pr ON pr.item_id = i.id
    WHERE COALESCE(i.url, '') != '' AND i.id != ?
    ORDER BY t.position, s.position, p.position
"""
_TRIGRAM: Final = 3  # what the index can look up; shorter text is looked for row by row


class _Name(Record):
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
    keys = names[0].keys
    if len(keys) < 2:
        return -1, 0.0
    # The same as sharing bigrams(title), without splitting every title: a pair of CJK
    # letters is in the title's pairs when it is in the title, a word when it is a word.
    share = sum(mentions(title, k) if k.isascii() else k in title for k in keys) / len(keys)
    return (0, share) if share >= _CLOSE else (-1, 0.0)


def _close_keys(name: _Name) -> list[str]:
    """A few of the name's keys, one of which any title close to it must hold."""
    keys = sorted(name.keys, key=lambda k: (len(k) < _TRIGRAM, k))  # indexed ones first
    if len(keys) < 2:
        return []
    return keys[: len(keys) - math.ceil(_CLOSE * len(keys)) + 1]


def _found(wanted: list[str]) -> tuple[str, list[str]]:
    """SQL for the index's titles that hold one of wanted, and its arguments.

    The trigram index finds text of three characters or more; shorter text (卷积)
    is looked for row by row, which costs a scan of the index.
    """
    phrases = list(dict.fromkeys(w for w in wanted if len(w) >= _TRIGRAM))
    short = sorted({w for w in wanted if len(w) < _TRIGRAM})
    parts, args = [], []
    if phrases:
        parts.append("SELECT rowid, title FROM item_search WHERE item_search MATCH ?")
        args.append(" OR ".join('"' + w.replace('"', '""') + '"' for w in phrases))
    if short:
        scan = " OR ".join("instr(title, ?) > 0" for _ in short)
        parts.append(f"SELECT rowid, title FROM item_search WHERE {scan}")
        args += short
    return " UNION ".join(parts), args


def on_the_topic(
    store: Store, item_id: int, title: str, track_slug: str | None
) -> tuple[SearchHit, ...]:
    """The catalogue's items with a link on the topic of item_id, best first (at most SHOWN).

    Titles are looked for a tier at a time, the own name first: once SHOWN are found
    on a tier, the tiers below cannot be shown and are not looked for (a scan of a
    large catalogue for 卷积 or a pair of 基本概念 is what costs).
    """
    names = [_name(n) for n in names_of(title) if n]
    if not names:
        return ()
    tiers = ((2, [names[0].text]), (1, [n.text for n in names[1:]]), (0, _close_keys(names[0])))
    # id -> (normalised title, status, first place in the catalogue, in the topic's track)
    seen: dict[int, tuple[str, str, tuple[int, int, int], bool]] = {}
    ranked: list[tuple[tuple[int, bool, bool, float, tuple[int, int, int]], int]] = []
    for least, wanted in tiers:
        if not wanted:
            continue
        found, args = _found(wanted)
        new: dict[int, tuple[str, str, tuple[int, int, int], bool]] = {}
        for found_id, text, status, track, *place in store.conn.execute(
            _CANDIDATES.format(found=found), [*args, item_id]
        ):
            if found_id in seen:
                continue
            known = new.get(found_id)
            if known is None:
                new[found_id] = (text, status, tuple(place), track == track_slug)
            elif track == track_slug and not known[3]:
                new[found_id] = (*known[:3], True)
        seen.update(new)
        for found_id, (text, status, place, here) in new.items():
            tier, share = _match(" ".join(text.split()), names)
            if tier >= 0:
                finished = status in (Status.DONE, Status.SKIPPED)
                ranked.append(((-tier, finished, not here, -share, place), found_id))
        if sum(1 for key, _ in ranked if -key[0] >= least) >= SHOWN:
            break
    best = [found_id for _, found_id in sorted(ranked)[:SHOWN]]
    return _hits(store, best)


def _hits(store: Store, ids: list[int]) -> tuple[SearchHit, ...]:
    """The items of ids, in that order, with every place they stand in."""
    if not ids:
        return ()
    found = hits(store, f"i.id IN ({','.join('?' * len(ids))})", list(ids))
    return tuple(found[i] for i in ids)
