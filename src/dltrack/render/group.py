"""The screens and JSON shapes of the study group's commands (registered when they run)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text

from dltrack.group.results import (
    Board,
    BoardRow,
    GroupCreated,
    GroupSynced,
    Joined,
    Left,
    MemberChanged,
)
from dltrack.render.base import screen, to_data
from dltrack.render.learner import track_data, track_title
from dltrack.render.style import count, text


@to_data.register
def _(result: GroupCreated) -> Any:
    return result._asdict()


@screen.register
def _(result: GroupCreated) -> list[RenderableType]:
    if result.version_before == result.version:
        line = text(f"The group at {result.server} is there already (schema {result.version}); ")
    elif result.version_before == 0:
        line = text(f"Group created at {result.server} (schema {result.version}); ")
    else:
        line = text(
            f"Group at {result.server} upgraded from schema {result.version_before} "
            f"to {result.version}; "
        )
    line.append(f"owner {result.owner}, catalogue {result.catalogue}.")
    return [line, text("Admit members with: dltrack group admit ROLE", "dim")]


@to_data.register
def _(result: MemberChanged) -> Any:
    return result._asdict()


@screen.register
def _(result: MemberChanged) -> list[RenderableType]:
    if result.admitted:
        word = "was a member already" if result.already else "is now a member"
    else:
        word = "was not a member" if result.already else "is no longer a member"
    return [text(f"{result.role} {word} of the group.")]


@to_data.register
def _(result: Joined) -> Any:
    return result._asdict()


@screen.register
def _(result: Joined) -> list[RenderableType]:
    line = text(f"Joined the group at {result.server} as ")
    line.append(text(result.name, "bold"))
    line.append(f" (role {result.role}); notes are {'' if result.share_notes else 'not '}shared.")
    return [line, text("Now: dltrack group sync", "dim")]


@to_data.register
def _(result: Left) -> Any:
    return result._asdict()


@screen.register
def _(result: Left) -> list[RenderableType]:
    return [text(f"Left the group at {result.server}; your own record stays here.")]


@to_data.register
def _(result: GroupSynced) -> Any:
    return result._asdict()


@screen.register
def _(result: GroupSynced) -> list[RenderableType]:
    line = text(f"Synced with the group at {result.server}: sent ")
    line.append(count(result.pushed, "event"), style="bold")
    line.append(f" ({result.pushed_new} new there), received ")
    line.append(count(result.pulled, "event"), style="bold")
    line.append(f" ({result.pulled_new} new here); {count(result.members, 'member')}.")
    if result.auto:
        return [line, text("Marking commands sync in the background (--no-auto: not).", "dim")]
    return [line]


def _row_data(row: BoardRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "role": row.role,
        "me": row.me,
        "done": row.done,
        "items": row.items,
        "percent": round(row.percent, 1),
        "stages": [s._asdict() for s in row.stages],
        "streak_days": row.streak_days,
        "last_activity": row.last_activity,
    }


@to_data.register
def _(result: Board) -> Any:
    return {
        "track": track_data(result.track),
        "today": result.today,
        "stages": [{"slug": slug, "title": title} for slug, title in result.stage_titles],
        "members": [_row_data(r) for r in result.rows],
    }


def _last(at: str | None) -> str:
    if at is None:
        return "—"
    return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")


_NAME_WIDTH = 20


@screen.register
def _(result: Board) -> list[RenderableType]:
    # Plain aligned lines, not a rich Table: a board of 1,000 members is drawn in a
    # tenth of the time (bench/group.py), and it stays one line per member in a pipe.
    # Stages are numbered in the header (their titles are long) and listed after.
    cells = [
        [f"{s.done}/{s.items}" for s in row.stages]
        + [f"{row.done}/{row.items} {row.percent:.0f}%", count(row.streak_days, "day")]
        for row in result.rows
    ]
    heads = [str(n) for n in range(1, len(result.stage_titles) + 1)] + ["total", "streak"]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(heads)]
    name_width = min(_NAME_WIDTH, max([6, *(cell_len(r.name) for r in result.rows)]))
    header = Text("member".ljust(name_width), style="dim")
    header.append("".join(f"  {h.rjust(w)}" for h, w in zip(heads, widths, strict=True)))
    header.append("  last active")
    out: list[RenderableType] = [track_title(result.track), header]
    for row, values in zip(result.rows, cells, strict=True):
        line = text(row.name, "bold" if row.me else "")
        line.truncate(name_width, overflow="ellipsis", pad=True)
        line.append("".join(f"  {v.rjust(w)}" for v, w in zip(values, widths, strict=True)))
        line.append(f"  {_last(row.last_activity)}")
        out.append(line)
    for n, (slug, title) in enumerate(result.stage_titles, start=1):
        line = text(f"{n}  ", "dim")
        line.append(text(title))
        line.append(f"  ({slug})", style="dim")
        out.append(line)
    return out
