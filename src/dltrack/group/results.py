"""What the group commands return; the renderer (render.group) shows them and writes their JSON."""

from __future__ import annotations

from dltrack.learner.results import TrackRef
from dltrack.records import Record


class GroupCreated(Record):
    """`group init`: the schema made or brought up to date, and who owns the group."""

    server: str  # host:port/dbname
    catalogue: str
    owner: str  # the owner's role
    version_before: int  # 0: there was no group schema
    version: int


class MemberChanged(Record):
    """`group admit` / `group remove`: one member's standing changed."""

    role: str
    admitted: bool
    already: bool  # it was so before


class Joined(Record):
    """`group join`: this machine now syncs with the group."""

    server: str
    role: str
    name: str
    catalogue: str
    share_notes: bool


class Left(Record):
    """`group leave`: this machine no longer syncs with the group."""

    server: str
    role: str


class GroupSynced(Record):
    """`group sync`: own events sent, the others' received."""

    server: str
    pushed: int  # own events sent this time
    pushed_new: int  # of them, new to the server
    pulled: int  # others' events received this time
    pulled_new: int
    members: int  # active members
    auto: bool = False  # marking commands sync in the background


class MemberStage(Record):
    """One member's progress on one stage of the track."""

    slug: str
    done: int
    items: int


class BoardRow(Record):
    """One member on the board."""

    name: str
    role: str
    me: bool
    done: int
    items: int
    stages: tuple[MemberStage, ...]
    streak_days: int
    last_activity: str | None  # UTC, ISO 8601

    @property
    def percent(self) -> float:
        """Share of the track's items done, 0-100."""
        return 100.0 * self.done / self.items if self.items else 0.0


class Board(Record):
    """`group board`: every active member's progress on a track, most progress first."""

    track: TrackRef
    stage_titles: tuple[tuple[str, str], ...]  # (slug, title) in order
    rows: tuple[BoardRow, ...]
    today: str
