"""What the learner's functions return: small immutable records, cheap to import.

The renderer imports these at start-up, so this module needs only the standard
library. Fields are given by keyword wherever a record is built from a query row.

The records are dltrack.records.Record classes, not typing.NamedTuple ones: the
renderer imports all of them at start-up, and a NamedTuple costs several times more
to define (see dltrack.records).
"""

from dltrack.learner.status import Status
from dltrack.linkcheck.verdicts import Verdict
from dltrack.records import Record


class Counts(Record):
    """How many items a track or stage has, and how far the learner is."""

    total: int
    done: int = 0
    skipped: int = 0
    reading: int = 0

    @property
    def unread(self) -> int:
        """Items neither done nor skipped nor being read."""
        return self.total - self.done - self.skipped - self.reading

    @property
    def percent(self) -> float:
        """Share of items done, 0-100."""
        return 100.0 * self.done / self.total if self.total else 0.0


class TrackRef(Record):
    """A track's identity."""

    slug: str
    title: str
    title_en: str | None


class LinkHealth(Record):
    """A track's links by their latest verdict: how many were checked, how many are dead."""

    checked: int
    dead: int


class TrackSummary(Record):
    """A track with its progress."""

    track: TrackRef
    position: int
    counts: Counts
    current: bool
    links: LinkHealth | None = None  # None until some link of the track was checked


class StageSummary(Record):
    """A stage with its progress."""

    track: TrackRef
    slug: str
    title: str
    title_en: str | None
    position: int
    counts: Counts


class ItemInStage(Record):
    """An item as it stands in one stage of a track."""

    id: int
    title: str
    url: str | None
    kind: str | None
    status: Status
    track_slug: str
    stage_slug: str
    stage_title: str
    link: Verdict | None  # the latest link-check verdict for the current URL, if any
    archive_url: str | None = None  # an archived copy; filled in where a dead link shows it


class Place(Record):
    """One track and stage an item appears in."""

    track_slug: str
    track_title: str
    stage_slug: str
    stage_title: str


class ItemNote(Record):
    """A note the learner wrote on an item (its first MAX_NOTE_BYTES, for an older, longer one)."""

    text: str
    created_at: str
    omitted_bytes: int = 0  # how much of the note's UTF-8 is left out of text

    @property
    def truncated(self) -> bool:
        """True when text is only the start of the note."""
        return self.omitted_bytes > 0


class GroupNote(Record):
    """A note another member of the study group shared on an item (group sync --share-notes)."""

    member: str  # their shown name (their role when they gave none)
    role: str
    text: str
    day: str  # the local day they wrote it
    created_at: str


class TrackList(Record):
    """Every track, and which one is current."""

    current: str | None
    tracks: list[TrackSummary]


class StageList(Record):
    """A track's stages in order."""

    track: TrackRef
    stages: list[StageSummary]


class ItemList(Record):
    """Items of a track, filtered."""

    track: TrackRef
    stage: str | None
    status: Status | None  # None: every status
    items: list[ItemInStage]


class SearchHit(Record):
    """An item whose title matches a search."""

    id: int
    title: str
    url: str | None
    status: Status
    places: list[Place]


class NextItems(Record):
    """What to read next in a track."""

    track: TrackRef
    items: list[ItemInStage]
    counts: Counts
    # For a first item with no link (a topic): the catalogue's items on it, best first.
    on_topic: tuple[SearchHit, ...] = ()

    @property
    def caught_up(self) -> bool:
        """True when `next` has nothing left to offer: nothing unread or in progress."""
        return self.counts.unread + self.counts.reading == 0

    @property
    def finished(self) -> bool:
        """True when every item is read: a skipped one is still left unread."""
        return self.counts.done == self.counts.total


class TrackCounts(Record):
    """A track and its counts, as a marking command answers with them."""

    track: TrackRef
    counts: Counts


class Marked(Record):
    """The result of done/skip/start/undo: what changed, and its places' new progress."""

    status: Status
    changed: list[ItemInStage]
    unchanged: list[ItemInStage]
    stages: list[StageSummary]  # every stage the items stand in
    tracks: tuple[TrackCounts, ...] | list[TrackCounts] = ()  # and every track


class PastCheck(Record):
    """One past check of an item's link."""

    url: str
    verdict: Verdict
    http_status: int | None
    reason: str
    moved_to: str | None
    checked_at: str
    page_title: str | None = None  # set when the page's title no longer matches the item's


class ItemDetail(Record):
    """Everything known about one item."""

    id: int
    title: str
    url: str | None
    kind: str | None
    tags: list[str]
    in_catalogue: bool
    status: Status
    started_at: str | None
    done_at: str | None
    updated_at: str | None
    notes: list[ItemNote]
    places: list[Place]
    checks: list[PastCheck]  # newest first
    # Set when the record kept under this id was made about another article (the
    # catalogue gave the id a new meaning): that record is not progress on this one.
    other_title: str | None = None
    finished_on: tuple[str, ...] = ()  # every local day it was finished, first first
    archive_url: str | None = None  # an archived copy of the page, when one is known
    archived_at: str | None = None  # when that copy was taken, when known
    link: Verdict | None = None  # the latest verdict that speaks for the current link
    # For an item with no link (a topic): the catalogue's items on it, best first.
    on_topic: tuple[SearchHit, ...] = ()
    # The study group's notes on it, as the last group sync brought them, oldest first.
    group_notes: tuple[GroupNote, ...] = ()


class SearchResult(Record):
    """Items matching a query, in catalogue order."""

    query: str
    hits: list[SearchHit]
