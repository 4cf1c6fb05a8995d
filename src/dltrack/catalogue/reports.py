"""What the curator's commands report: cheap to import, for the renderer."""

from __future__ import annotations

from enum import StrEnum

from dltrack.records import Record


class Placed(StrEnum):
    """How an imported item relates to what was there before."""

    NEW = "new"  # a new id
    REUSED = "reused"  # the same article already had an id in the catalogue
    REPEAT = "repeat"  # the same article appeared earlier in this import, in another stage


class ImportedItem(Record):
    """An item an import places in a stage."""

    id: int
    title: str
    url: str | None
    kind: str | None
    status: Placed
    # Where the id already stood: "track › stage" in the catalogue (REUSED) or
    # earlier in this import (REPEAT).
    also_in: tuple[str, ...] = ()


class ImportedStage(Record):
    """A stage an import creates, or an existing stage it adds items to."""

    slug: str
    title: str
    existing: bool
    items: tuple[ImportedItem, ...]


class SkippedLink(Record):
    """A link (or item) found in a document and left out, with the reason."""

    file: str
    section: str
    title: str
    url: str | None
    reason: str
    id: int | None = None  # the id the item has, when it is left out as a duplicate


class ImportReport(Record):
    """What an import added (or, in a dry run, would add), merged and skipped."""

    track: str
    track_title: str
    new_track: bool
    stages: tuple[ImportedStage, ...]
    skipped: tuple[SkippedLink, ...]
    last_id_before: int
    last_id: int
    headings_without_items: int = 0
    catalogue: str = ""
    dry_run: bool = False

    def placed(self, status: Placed) -> int:
        """How many placements have this status."""
        return sum(1 for s in self.stages for i in s.items if i.status == status)


class Level(StrEnum):
    """How serious a lint finding is."""

    ERROR = "error"  # fails CI
    WARNING = "warning"  # worth a look


class Finding(Record):
    """One problem in a catalogue."""

    level: Level
    path: str
    message: str  # in English, as JSON has it; the screen translates it (lang.tr_filled)


class LintReport(Record):
    """Every finding in a catalogue file, and what it was compared with."""

    file: str
    against: str | None
    findings: tuple[Finding, ...]
    tracks: int = 0
    items: int = 0

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for f in self.findings if f.level is Level.ERROR)

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return sum(1 for f in self.findings if f.level is Level.WARNING)
