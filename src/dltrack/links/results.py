"""What a check of the catalogue's links reports: cheap to import, for the renderer."""

from __future__ import annotations

from collections.abc import Sequence

from dltrack.linkcheck.verdicts import Verdict
from dltrack.records import Record


class CheckedLink(Record):
    """The reported outcome for one item's link."""

    id: int
    title: str
    url: str
    verdict: Verdict
    http_status: int | None
    final_url: str | None
    moved_to: str | None
    reason: str
    elapsed_ms: int
    checked_at: str
    cached: bool
    archive_url: str | None = None  # an archived copy of the page, when one is known
    archived_at: str | None = None  # when that copy was taken (UTC, ISO 8601)
    page_title: str | None = None  # the title the page gives itself, when it was read
    title_mismatch: bool = False  # the page's title has nothing in common with the item's


class ArchiveTally(Record):
    """What the archive lookups of a run found."""

    found: int = 0
    none: int = 0  # the archive has no copy worth offering
    failed: int = 0
    problem: str | None = None  # the first failure's reason


class LinkReport(Record):
    """A whole run: every result, counts per verdict, and how it ended."""

    results: list[CheckedLink]
    checked: int  # URLs requested in this run
    cached: int  # results reused from a recent run (--max-age)
    elapsed_s: float
    interrupted: bool
    catalogue: str  # the catalogue file, for annotations that point into it
    # Why the run stopped because this machine seemed offline; None when it did not.
    offline: str | None = None
    archive: ArchiveTally | None = None  # set when archived copies were looked up
    excluded: int = 0  # links a host rule says not to check (neither checked nor reported)
    # Hosts that throttled this run, and the limits their next run starts with:
    # (host, requests in flight, seconds apart, why).
    learned: Sequence[tuple[str, int, float, str]] = ()

    def counts(self) -> dict[Verdict, int]:
        """How many results have each verdict (every verdict, in their order)."""
        counts = dict.fromkeys(Verdict, 0)
        for r in self.results:
            counts[r.verdict] += 1
        return counts

    def failed(self, *, strict: bool) -> bool:
        """Whether the run should fail: dead links; with strict also blocked, error and
        live links whose page title no longer matches."""
        return any(
            r.verdict.fails(strict=strict) or (strict and r.title_mismatch) for r in self.results
        )

    def mismatched(self) -> list[CheckedLink]:
        """The live links whose page title no longer matches the catalogue's."""
        return [r for r in self.results if r.title_mismatch]
