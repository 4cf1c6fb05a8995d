"""Whether a page's own title still matches the catalogue's: character bigrams.

Words cannot be split out of Chinese without a dictionary, but two titles about the
same article share pairs of neighbouring characters (深度, 度学, 学习); English titles
share words. Only letters and digits count: punctuation says nothing.
The share is taken of the shorter title's pairs, so a page title that adds its site's
name, or a catalogue title that adds a translation, still matches.
"""

from __future__ import annotations

import re
from typing import Final

from dltrack.text import normalise

# Runs of ASCII letters and digits, and runs of other letters (CJK, and the rest).
# Compiled by re on first use (and cached): `list` and `next` import this module
# but compare titles only for some items.
_RUNS: Final = r"[a-z0-9]+|[^\W\da-z_]+"

# Below this share of the shorter title's bigrams, the titles have nothing in common:
# one or two shared pairs in a long title are chance.
MATCHING: Final = 0.1


def bigrams(title: str) -> set[str]:
    """What a title is compared by: pairs of neighbouring CJK characters, and words.

    Pairs of letters mean something in Chinese, where a word is one or two characters;
    in English any two titles share a few ("en", "ed"), so there its words of three
    letters or more are taken instead.
    """
    found: set[str] = set()
    for run in re.findall(_RUNS, normalise(title)):
        if run.isascii():
            if len(run) >= 3:
                found.add(run)
        elif len(run) == 1:
            found.add(run)
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def title_mismatch(catalogue_title: str, page_title: str | None) -> bool:
    """True when the page has a title and it has nothing in common with the catalogue's."""
    if not page_title:
        return False
    ours, theirs = bigrams(catalogue_title), bigrams(page_title)
    if not ours or not theirs:
        return False  # nothing to compare: no claim either way
    return len(ours & theirs) / min(len(ours), len(theirs)) < MATCHING
