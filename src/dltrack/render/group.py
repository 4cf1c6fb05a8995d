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
from dltrack.lang import plural, tr
from dltrack.render.base import screen, to_data
from dltrack.render.learner import track_data, track_title
from dltrack.render.style import text


@to_data.register
def _(result: GroupCreated) -> Any:
    return result._asdict()


@screen.register
def _(result: GroupCreated) -> list[RenderableType]:
    if result.version_before == result.version:
        said = tr(
            "The group at {server} is there already (schema {version}); "
            "owner {owner}, catalogue {catalogue}."
        )
    elif result.version_before == 0:
        said = tr(
            "Group created at {server} (schema {version}); owner {owner}, catalogue {catalogue}."
        )
    else:
        said = tr(
            "Group at {server} upgraded from schema {before} to {version}; "
            "owner {owner}, catalogue {catalogue}."
        )
    line = text(
        said.format(
            server=result.server,
            version=result.version,
            before=result.version_before,
            owner=result.owner,
            catalogue=result.catalogue,
        )
    )
    return [line, text(tr("Admit members with: dltrack group admit ROLE"), "dim")]


@to_data.register
def _(result: MemberChanged) -> Any:
    return result._asdict()


@screen.register
def _(result: MemberChanged) -> list[RenderableType]:
    if result.admitted:
        said = tr(
            "{role} was a member of the group already."
            if result.already
            else "{role} is now a member of the group."
        )
    else:
        said = tr(
            "{role} was not a member of the group."
            if result.already
            else "{role} is no longer a member of the group."
        )
    return [text(said.format(role=result.role))]


@to_data.register
def _(result: Joined) -> Any:
    return result._asdict()


@screen.register
def _(result: Joined) -> list[RenderableType]:
    before, _, after = tr(
        "Joined the group at {server} as {name} (role {role}); notes are shared."
        if result.share_notes
        else "Joined the group at {server} as {name} (role {role}); notes are not shared."
    ).partition("{name}")
    line = text(before.format(server=result.server, role=result.role))
    line.append(text(result.name, "bold"))
    line.append(after.format(server=result.server, role=result.role))
    return [line, text(tr("Now: dltrack group sync"), "dim")]


@to_data.register
def _(result: Left) -> Any:
    return result._asdict()


@screen.register
def _(result: Left) -> list[RenderableType]:
    said = tr("Left the group at {server}; your own record stays here.")
    return [text(said.format(server=result.server))]


@to_data.register
def _(result: GroupSynced) -> Any:
    return result._asdict()


@screen.register
def _(result: GroupSynced) -> list[RenderableType]:
    line = text(tr("Synced with the group at {server}: sent ").format(server=result.server))
    line.append(plural(result.pushed, "{n} event", "{n} events").format(n=result.pushed), "bold")
    line.append(tr(" ({n} new there), received ").format(n=result.pushed_new))
    line.append(plural(result.pulled, "{n} event", "{n} events").format(n=result.pulled), "bold")
    members = plural(result.members, "{n} member", "{n} members").format(n=result.members)
    line.append(tr(" ({n} new here); {members}.").format(n=result.pulled_new, members=members))
    if result.auto:
        said = tr("Marking commands sync in the background (--no-auto: not).")
        return [line, text(said, "dim")]
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


def _left(value: str, width: int) -> str:
    # By terminal columns: 成员 is four wide, not two.
    return value + " " * max(0, width - cell_len(value))


def _right(value: str, width: int) -> str:
    return " " * max(0, width - cell_len(value)) + value


@screen.register
def _(result: Board) -> list[RenderableType]:
    # Plain aligned lines, not a rich Table: a board of 1,000 members is drawn in a
    # tenth of the time (bench/group.py), and it stays one line per member in a pipe.
    # Stages are numbered in the header (their titles are long) and listed after.
    cells = [
        [f"{s.done}/{s.items}" for s in row.stages]
        + [
            f"{row.done}/{row.items} {row.percent:.0f}%",
            plural(row.streak_days, "{n} day", "{n} days").format(n=row.streak_days),
        ]
        for row in result.rows
    ]
    heads = [str(n) for n in range(1, len(result.stage_titles) + 1)]
    heads += [tr("total"), tr("streak")]
    widths = [max([cell_len(h), *(cell_len(c[i]) for c in cells)]) for i, h in enumerate(heads)]
    member = tr("member")
    name_width = min(
        _NAME_WIDTH, max([6, cell_len(member), *(cell_len(r.name) for r in result.rows)])
    )
    header = Text(_left(member, name_width), style="dim")
    header.append("".join(f"  {_right(h, w)}" for h, w in zip(heads, widths, strict=True)))
    header.append("  " + tr("last active"))
    out: list[RenderableType] = [track_title(result.track), header]
    for row, values in zip(result.rows, cells, strict=True):
        line = text(row.name, "bold" if row.me else "")
        line.truncate(name_width, overflow="ellipsis", pad=True)
        line.append("".join(f"  {_right(v, w)}" for v, w in zip(values, widths, strict=True)))
        line.append(f"  {_last(row.last_activity)}")
        out.append(line)
    for n, (slug, title) in enumerate(result.stage_titles, start=1):
        line = text(f"{n}  ", "dim")
        line.append(text(title))
        line.append(f"  ({slug})", style="dim")
        out.append(line)
    return out
