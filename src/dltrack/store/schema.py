"""The one readable definition of today's database schema, as SQLModel tables.

Migrations do not use these classes (each step is literal DDL, frozen when it was
written), and everyday reads and writes use the standard library's sqlite3 on the
same tables, since importing sqlmodel costs a quarter of a second. These classes
are what other engines are given, and the test suite checks that a migrated
database agrees with them column by column and index by index.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata


class MetaRow(SQLModel, table=True):
    """Small facts about this database: the catalogue it was synced from, the current track."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class MigrationRow(SQLModel, table=True):
    """Each schema version applied to this file, and when."""

    __tablename__ = "migration"
    version: int = Field(primary_key=True)
    name: str
    applied_at: str


class TrackRow(SQLModel, table=True):
    """A curriculum, mirrored from the catalogue on every sync."""

    __tablename__ = "track"
    slug: str = Field(primary_key=True)
    position: int
    title: str
    title_en: str | None = None
    source_document: str | None = None
    source_author: str | None = None
    source_published: str | None = None
    source_url: str | None = None
    item_count: int  # distinct items, counted at sync so listings need not count


class StageRow(SQLModel, table=True):
    """An ordered stage of a track, mirrored from the catalogue."""

    __tablename__ = "stage"
    # The (track, position) index lets `next` walk a track in order and stop early.
    __table_args__ = (
        UniqueConstraint("track_slug", "slug"),
        Index("ix_stage_order", "track_slug", "position"),
    )
    id: int | None = Field(default=None, primary_key=True)
    track_slug: str
    slug: str
    position: int
    title: str
    title_en: str | None = None
    item_count: int


class ItemRow(SQLModel, table=True):
    """An article, paper, book or topic; `active` is false once it leaves the catalogue."""

    __tablename__ = "item"
    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    title: str
    url: str | None = None
    kind: str | None = None
    tags: str = "[]"  # a JSON list
    active: bool = True
    added_on: str | None = None  # the day this database first saw it in the catalogue
    archive: str | None = None  # the catalogue's link to an archived copy


class PlacementRow(SQLModel, table=True):
    """Where an item stands: one row per (stage, position); an item may stand in several."""

    __tablename__ = "placement"
    __table_args__ = (Index("ix_placement_item", "item_id"),)
    stage_id: int = Field(primary_key=True)
    position: int = Field(primary_key=True)
    item_id: int


class ProgressRow(SQLModel, table=True):
    """The learner's state of one item of the synced catalogue, materialised from the events.

    Rebuilt from the event table whenever the catalogue changes; other_title is set
    when the record under this id was made about another article (the id changed
    meaning), which then does not count as progress on this one.
    """

    __tablename__ = "progress"
    item_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    status: str = "unread"  # a dltrack.learner.status.Status value
    started_at: str | None = None
    done_at: str | None = Field(default=None, index=True)
    updated_at: str
    other_title: str | None = None


class NoteRow(SQLModel, table=True):
    """A note the learner attached to an item (materialised from the events, as progress is)."""

    __tablename__ = "note"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: str
    event_id: str | None = None  # the note_added event it comes from


class PersonalItemRow(SQLModel, table=True):
    """The number the learner types for an item of their own (m3), and its key in the log.

    Materialised, like progress: numbers follow the order the items were added in,
    so every machine that holds the same events numbers them alike.
    """

    __tablename__ = "personal_item"
    number: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    key: int = Field(sa_column=Column(Integer, unique=True, nullable=False))


class EventRow(SQLModel, table=True):
    """One change to the learner's record; never updated or deleted (an undo is an event too).

    Events are ordered by lamport (a logical clock: one more than any event this
    database had seen when it was recorded), not by wall-clock time, so a device
    whose clock is wrong cannot reorder the others' history. `at` is when the change
    took effect (a backdated one: noon of that day), `day` the learner's local date.
    """

    __tablename__ = "event"
    # Partial indexes where a query only ever asks for some rows (finishes by day, the
    # few events that point at another): each row costs its index an insert.
    __table_args__ = (
        Index("ix_event_item", "catalogue", "item_id", "lamport"),
        Index(
            "ix_event_day",
            "catalogue",
            "day",
            "item_id",
            "command",
            sqlite_where=sql_text("action = 'done'"),
        ),
        Index("ix_event_target", "target", sqlite_where=sql_text("target IS NOT NULL")),
    )
    id: str = Field(primary_key=True)
    lamport: int = Field(index=True)
    device: str
    # One id per dltrack command: what undo takes back. Not indexed: only undo looks a
    # command up, and each index costs a tenth of a 100,000-event sync (bench/record.py).
    command: str
    command_name: str
    catalogue: str
    # The catalogue's item id; for the learner's own items (catalogue "personal"),
    # the item's random key (personal_item maps it to the number shown).
    item_id: int
    action: str  # a dltrack.learner.history.Action value
    at: str
    day: str
    recorded_at: str
    url: str | None = None  # what the item was when the change was made
    title: str | None = None
    text: str | None = Field(default=None, sa_column=Column(Text))  # a note's text
    target: str | None = None  # the note or command acted on


class GroupEventRow(SQLModel, table=True):
    """Another member's event, pulled from the study group's server (never the learner's own)."""

    __tablename__ = "group_event"
    # A pull re-derives the items its events touch, and the days of the members they are of.
    __table_args__ = (
        Index("ix_group_event_item", "member", "item_id", "lamport"),
        Index(
            "ix_group_event_done",
            "member",
            "day",
            "command",
            sqlite_where=sql_text("action = 'done'"),
        ),
        Index(
            "ix_group_event_undone", "member", "target", sqlite_where=sql_text("action = 'undone'")
        ),
    )
    member: str = Field(primary_key=True)  # the member's PostgreSQL role
    id: str = Field(primary_key=True)
    lamport: int
    command: str
    item_id: int
    action: str  # a dltrack.learner.history.Action value
    at: str
    day: str
    text: str | None = Field(default=None, sa_column=Column(Text))  # shared notes only
    target: str | None = None


class GroupMemberRow(SQLModel, table=True):
    """A member of the study group as last pulled, with their streak and last activity."""

    __tablename__ = "group_member"
    role: str = Field(primary_key=True)
    name: str | None = None  # what the member chose to be shown as
    active: bool  # admitted, joined, not removed and not left
    last_at: str | None = None
    streak_end: str | None = None  # the last day of the latest run of days with a finish
    streak_days: int


class GroupProgressRow(SQLModel, table=True):
    """Each member's state of each item, derived from their pulled events."""

    __tablename__ = "group_progress"
    # The board walks a track's items and asks who finished each.
    __table_args__ = (
        Index(
            "ix_group_progress_done", "item_id", "member", sqlite_where=sql_text("status = 'done'")
        ),
    )
    member: str = Field(primary_key=True)
    item_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    status: str


class LinkCheckRow(SQLModel, table=True):
    """One check of an item's link: the raw verdict, kept as history."""

    __tablename__ = "link_check"
    # Latest check per item (show, list --link, next) and per URL (the --max-age cache).
    __table_args__ = (
        Index("ix_link_check_item", "item_id", "checked_at"),
        Index("ix_link_check_url", "url", "checked_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    item_id: int
    url: str
    verdict: str  # a dltrack.linkcheck.verdicts.Verdict value
    http_status: int | None = None
    final_url: str | None = None
    moved_to: str | None = None
    reason: str
    elapsed_ms: int
    checked_at: str
    failure: str | None = None  # a dltrack.linkcheck.outcomes.Failure value: no server answered
    page_title: str | None = None  # the title the page gives itself, when it was read
    archive_url: str | None = None  # an archived copy of the page, when one was looked up
    archived_at: str | None = None  # when that copy was taken (UTC)


class HostLimitRow(SQLModel, table=True):
    """A host that throttled the last run: the gentler limits its next run starts with."""

    __tablename__ = "host_limit"
    host: str = Field(primary_key=True)
    per_host: int
    min_interval: float
    learned_at: str
    reason: str  # what it answered: "429 Too Many Requests", "blocked page: ..."


# SQLModel cannot express a virtual table: the search index is created by the
# migrations as item_search, an FTS5 table with the trigram tokenizer. It holds each
# active item's title, NFKC-normalised and case-folded, under the item's id as
# rowid; the trigram tokenizer makes any substring of 3+ characters an index
# lookup, which is what Chinese titles need (there are no spaces to split words on).
SEARCH_INDEX = "item_search"
