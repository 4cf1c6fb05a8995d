"""The screens of the learner's record: progress with its calendar, the log, undo.

Kept apart from ``render.learner`` (the everyday screens) to keep each module short;
both register with the same renderer.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text

from dltrack.learner.ids import json_id, shown_id
from dltrack.learner.reports import (
    Added,
    EventsRestored,
    FolderSynced,
    Log,
    LogEntry,
    NoteChanged,
    ProgressReport,
    RestoreResult,
    TrackProgress,
    Undone,
)
from dltrack.render.base import screen, to_data
from dltrack.render.learner import (
    counts_data,
    item_data,
    stage_data,
    stage_table,
    status_line,
    track_data,
    track_title,
)
from dltrack.render.style import count, text


def _forecast_data(t: TrackProgress) -> dict[str, Any] | None:
    if t.forecast is None:
        return None
    return {"pace_per_day": round(t.forecast.pace_per_day, 3), "finish_on": t.forecast.finish_on}


@to_data.register
def _(result: ProgressReport) -> Any:
    return {
        "tracks": [
            {
                **track_data(t.track),
                **counts_data(t.counts),
                "stages": [stage_data(s) for s in t.stages],
                "forecast": _forecast_data(t),
            }
            for t in result.tracks
        ],
        "today": result.today,
        "done_last_7_days": result.done_last_7_days,
        "done_last_30_days": result.done_last_30_days,
        "streak_days": result.streak_days,
        "longest_streak_days": result.longest_streak_days,
        "days": [{"day": d, "done": n} for d, n in result.days],
        "other_articles": list(result.other_articles),
    }


@to_data.register
def _(result: Undone) -> Any:
    return {
        "undone": result.command_name,
        "at": result.at,
        "items": [item_data(e) for e in result.items],
        "notes": result.notes,
    }


def _entry_data(e: LogEntry) -> dict[str, Any]:
    return {**e._asdict(), "item_id": json_id(e.item_id)}


@to_data.register
def _(result: Log) -> Any:
    return {
        "since": result.since,
        "track": result.track.slug if result.track else None,
        "entries": [_entry_data(e) for e in result.entries],
        "more": result.more,
    }


@screen.register
def _(report: ProgressReport) -> list[RenderableType]:
    out: list[RenderableType] = []
    for t in report.tracks:
        c = t.counts
        title = track_title(t.track)
        title.append(f"  {c.done}/{c.total} done · {c.percent:.0f}%")
        # A line of its own, not the table's title: a title wraps at the table's width.
        out += [title, stage_table(t.stages)]
        out.append(text(""))
        forecast = _forecast_line(t)
        if forecast is not None:
            out.insert(len(out) - 1, forecast)
    out += _calendar(report)
    out.append(
        text(
            f"Done in the last 7 days: {report.done_last_7_days} · "
            f"last 30 days: {report.done_last_30_days} · "
            f"streak: {count(report.streak_days, 'day')} · "
            f"longest: {count(report.longest_streak_days, 'day')}",
            "bold",
        )
    )
    if report.other_articles:
        ids = ", ".join(map(shown_id, report.other_articles[:10]))
        more = "…" if len(report.other_articles) > 10 else ""
        out.append(
            text(
                f"{len(report.other_articles)} of your records are about articles these ids no "
                f"longer mean, and do not count: {ids}{more} (dltrack show ID)",
                "yellow",
            )
        )
    return out


def _forecast_line(t: TrackProgress) -> Text | None:
    f = t.forecast
    if f is None:
        return None
    if t.counts.unread + t.counts.reading == 0:
        return None  # the title line says it is all done
    if f.finish_on is None:
        return text("  at your pace: no pace yet (nothing finished in the last 30 days)", "dim")
    return text(
        f"  at your pace ({f.pace_per_day * 7:.1f} a week): finished by {f.finish_on}", "dim"
    )


# One cell a day, darker for more items; the levels are items finished that day.
_HEAT: tuple[tuple[int, str, str], ...] = (
    (0, "·", "dim"),
    (1, "░", "green"),
    (2, "▒", "green"),
    (4, "▓", "bold green"),
    (7, "█", "bold green"),
)


def _cell(n: int) -> tuple[str, str]:
    glyph, style = _HEAT[0][1], _HEAT[0][2]
    for least, g, st in _HEAT:
        if n >= least:
            glyph, style = g, st
    return glyph, style


def _calendar(report: ProgressReport) -> list[RenderableType]:
    """The last 26 weeks as GitHub draws them: a column a week, Monday at the top."""
    if not report.days:
        return []
    rows = [text(label.ljust(4), "dim") for label in ("Mon", "", "Wed", "", "Fri", "", "Sun")]
    for n, (_day, finished) in enumerate(report.days):
        glyph, style = _cell(finished)
        rows[n % 7].append(glyph, style=style)
    first, last = report.days[0][0], report.days[-1][0]
    legend = text(f"    {first} … {last}   less ", "dim")
    for _least, glyph, style in _HEAT:
        legend.append(glyph, style=style)
    legend.append(" more", style="dim")
    rows.append(legend)
    return [*rows, text("")]


@screen.register
def _(result: Undone) -> list[RenderableType]:
    what = count(len(result.items), "item")
    notes = f", {count(result.notes, 'note')}" if result.notes else ""
    out: list[RenderableType] = [
        text(f"Undid `{result.command_name}` of {_local(result.at)} ({what}{notes}):")
    ]
    out += [status_line(e, e.status, str(e.status)) for e in result.items]
    if not result.items:
        out.append(text("  what it added is gone (dltrack log shows it)", "dim"))
    return out


_ACTION_WORDS = {
    "started": "started",
    "done": "done",
    "skipped": "skipped",
    "reset": "reset to unread",
    "note_added": "note",
    "note_edited": "note edited",
    "note_deleted": "note deleted",
    "undone": "undo",
    "item_added": "added",
}


def _local(at: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")


@screen.register
def _(result: Log) -> list[RenderableType]:
    if not result.entries:
        return [text("Nothing recorded yet." if result.since is None else "Nothing in that span.")]
    out: list[RenderableType] = []
    for e in result.entries:
        line = text(f"{_local(e.at)}  ", "dim")
        line.append(f"{_ACTION_WORDS.get(e.action, e.action):<9} ", style="bold")
        line.append(f"{shown_id(e.item_id)}  ", style="bold")
        line.append(text(e.title or ""))
        if e.text and e.action in ("note_added", "note_edited"):
            line.append(text(f"  “{e.text}”", "italic"))
        if e.day != _local(e.at)[:10]:
            line.append(f"  (counts for {e.day})", style="dim")
        if e.undone:
            line.append("  (undone)", style="yellow")
        out.append(line)
    if result.more:
        out.append(text(f"… and {result.more} earlier (dltrack log -n 0 shows all)", "dim"))
    return out


def _ids(ids: tuple[int, ...]) -> str:
    shown = ", ".join(map(str, ids[:10]))
    return shown + (f" (and {len(ids) - 10} more)" if len(ids) > 10 else "")


@to_data.register
def _(result: RestoreResult) -> Any:
    return {
        **result._asdict(),
        "unknown": list(result.unknown),
        "other_articles": list(result.other_articles),
    }


@screen.register
def _(result: RestoreResult) -> list[RenderableType]:
    out: list[RenderableType] = [
        text(
            f"Restored: {result.added} added, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.notes_added} notes added."
        )
    ]
    if result.unknown:
        out.append(text(f"Not in this catalogue, left out: {_ids(result.unknown)}", "yellow"))
    if result.other_articles:
        out.append(
            text(
                "Left out, about other articles than these ids name here (an export of "
                f"another catalogue?): {_ids(result.other_articles)}",
                "yellow",
            )
        )
    return out


@to_data.register
def _(result: EventsRestored) -> Any:
    return {**result._asdict(), "unknown": list(result.unknown)}


@screen.register
def _(result: EventsRestored) -> list[RenderableType]:
    out: list[RenderableType] = [
        text(f"Restored: {result.new} new events ({result.events - result.new} already here).")
    ]
    if result.mapped_items is not None:
        out.append(
            text(
                f"Matched by URL: {result.mapped_items} items; "
                f"{result.unmatched_items} had no match here and were left out."
            )
        )
    if result.unknown:
        out.append(text(f"Not in this catalogue, left out: {_ids(result.unknown)}", "yellow"))
    if not result.complete:
        out.append(text("The file ends early: only its complete events were read.", "yellow"))
    return out


@to_data.register
def _(result: FolderSynced) -> Any:
    return {
        **result._asdict(),
        "files": [f._asdict() for f in result.files],
        "notices": list(result.notices),
    }


@screen.register
def _(result: FolderSynced) -> list[RenderableType]:
    others = [f for f in result.files if f.name != result.own_file]
    line = text(f"Synced with {result.folder}: ")
    line.append(f"{result.new_events} new events", style="bold")
    line.append(f" from {count(len(others), 'other file')}; ")
    line.append(f"wrote {result.own_events} of this machine's to {result.own_file}.")
    return [line]


@to_data.register
def _(result: Added) -> Any:
    return {
        "id": json_id(result.item_id),
        "title": result.title,
        "url": result.url,
        "track": result.track_slug,
        "stage": result.stage_slug,
        "already": result.already,
        "title_from": result.title_from,
        "note": result.note,
    }


@screen.register
def _(result: Added) -> list[RenderableType]:
    shown = shown_id(result.item_id)
    if result.already:
        line = text("Already there: ", "yellow")
        line.append(f"{shown}  ", style="bold")
        line.append(text(result.title))
        line.append(f"  ({result.track_slug} › {result.stage_slug}); nothing added", style="dim")
        return [line]
    line = text("+ ", "green")
    line.append(f"{shown}  ", style="bold")
    line.append(text(result.title))
    line.append(f"  → {result.track_slug} › {result.stage_slug}", style="dim")
    out: list[RenderableType] = [line]
    if result.title_from == "url":
        why = f" ({result.note})" if result.note else ""
        out.append(text(f"  could not read the page's title{why}; the link stands for it", "dim"))
    return out


@to_data.register
def _(result: NoteChanged) -> Any:
    return {
        "item": item_data(result.item),
        "action": result.action,
        "number": result.number,
        "text": result.text,
    }


_NOTE_DONE = {"note_added": "added", "note_edited": "edited", "note_deleted": "deleted"}


@screen.register
def _(result: NoteChanged) -> list[RenderableType]:
    line = text(f"Note {result.number} of ")
    line.append(f"{shown_id(result.item.id)}  ", style="bold")
    line.append(text(result.item.title))
    line.append(f"  {_NOTE_DONE.get(result.action, result.action)}", style="dim")
    out: list[RenderableType] = [line]
    if result.text is not None:
        out.append(text(f"  {result.text}"))
    return out
