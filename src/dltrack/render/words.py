"""The words of dltrack's vocabulary: one per status, verdict and kind, in the learner's language.

Apart from the look (``render.style``): a report for a program or a file (check-links'
JSON, markdown, annotations) says its verdicts in words too, and must not load rich
to do it.
"""

from __future__ import annotations

from typing import Final

from dltrack.lang import tr
from dltrack.learner.status import Status
from dltrack.linkcheck.verdicts import Verdict

_STATUS_WORD: Final = {
    Status.UNREAD: "unread",
    Status.READING: "reading",
    Status.DONE: "done",
    Status.SKIPPED: "skipped",
}
_VERDICT_WORD: Final = {
    Verdict.OK: "ok",
    Verdict.MOVED: "moved",
    Verdict.DEAD: "dead",
    Verdict.BLOCKED: "blocked",
    Verdict.ERROR: "error",
}


def status_word(value: Status) -> str:
    """A status as the learner reads it, in their language."""
    return tr(_STATUS_WORD[value])


# The catalogue's kinds (catalogue.model.Kind, not imported: it would load pydantic).
_KIND_WORD: Final = {
    "article": "article",
    "paper": "paper",
    "book": "book",
    "repo": "repo",
    "course": "course",
    "topic": "topic",
    "video": "video",
}


def kind_word(kind: str) -> str:
    """An item's kind as the learner reads it; a kind this version does not know, as is."""
    word = _KIND_WORD.get(kind)
    return kind if word is None else tr(word)


def verdict_word(value: Verdict) -> str:
    """A link-check verdict as the learner reads it, in their language."""
    return tr(_VERDICT_WORD[value])
