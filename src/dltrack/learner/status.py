"""Where a learner stands with an item: the closed set of statuses."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """An item's status; stored and exported, so the values never change."""

    UNREAD = "unread"
    READING = "reading"  # started: a long paper, a book
    DONE = "done"
    SKIPPED = "skipped"  # left out of `next` without counting as read
