"""`dltrack group ...`: share progress with a study group through a PostgreSQL database.

A sub-app of its own (registered as one entry of COMMANDS): its commands are the
public functions here. The driver loads only in the commands that reach the server;
`group board` reads this machine's copy.
"""

from typing import Annotated

import typer

from dltrack import render
from dltrack.cli.common import JsonFlag, TrackOpt, local_today, opened
from dltrack.lang import tr
from dltrack.render import group as _group_screens  # noqa: F401  (registers them)

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)
# The group's help, in `dltrack --help` and its own: build_app gives it to typer in the
# learner's language, and a Tab in zsh or fish reads it from here (cli.shells).
app.__doc__ = "Study groups: share your progress with a class or a reading club (PostgreSQL)."

DsnArg = Annotated[
    str,
    typer.Argument(
        metavar="DSN",
        help=tr(
            "libpq connection string, e.g. 'host=db.example.org dbname=club user=li "
            "sslmode=verify-full' (no password: PGPASSWORD, ~/.pgpass or a service file)."
        ),
    ),
]
NameOpt = Annotated[str, typer.Option("--as", metavar="NAME", help=tr("The name the others see."))]
ShareNotes = Annotated[
    bool, typer.Option("--share-notes", help=tr("Share your notes with the group too."))
]


@app.command("init")
def init(
    ctx: typer.Context,
    dsn: DsnArg,
    name: Annotated[
        str | None, typer.Option("--as", metavar="NAME", help=tr("Your name in the group."))
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a group's schema in a PostgreSQL database you own (again: upgrade it)."""
    from dltrack.group.membership import init as create

    with opened(ctx) as store:
        render.emit(create(store, dsn, name), as_json=as_json)


@app.command("admit")
def admit(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help=tr("A PostgreSQL role (see README, Study groups)."))],
    as_json: JsonFlag = False,
) -> None:
    """Let a PostgreSQL role into your group (the owner only)."""
    from dltrack.group.membership import admit as let_in

    with opened(ctx) as store:
        render.emit(let_in(store, role), as_json=as_json)


@app.command("remove")
def remove(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help=tr("A member's PostgreSQL role."))],
    as_json: JsonFlag = False,
) -> None:
    """Take a member out of your group (the owner only); their past events stay."""
    from dltrack.group.membership import remove as take_out

    with opened(ctx) as store:
        render.emit(take_out(store, role), as_json=as_json)


@app.command("join")
def join(
    ctx: typer.Context,
    dsn: DsnArg,
    name: NameOpt,
    share_notes: ShareNotes = False,
    as_json: JsonFlag = False,
) -> None:
    """Join a study group with your own PostgreSQL role."""
    from dltrack.group.membership import join as enter

    with opened(ctx) as store:
        render.emit(enter(store, dsn, name, share_notes), as_json=as_json)


@app.command("sync")
def sync(
    ctx: typer.Context,
    share_notes: ShareNotes = False,
    auto: Annotated[
        bool | None,
        typer.Option(
            "--auto/--no-auto",
            help=tr("From now on, also sync in the background after each marking command."),
            show_default=False,
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Send your progress to the group and receive the others'."""
    from dltrack.group.exchange import sync as exchange

    with opened(ctx) as store:
        render.emit(exchange(store, share_notes=share_notes, auto=auto), as_json=as_json)


@app.command("board")
def board(ctx: typer.Context, track: TrackOpt = None, as_json: JsonFlag = False) -> None:
    """Everyone's progress on a track: stages done, streak, last activity (as of the last sync)."""
    from dltrack.group.board import board as show

    with opened(ctx) as store:
        render.emit(show(store, track, local_today()), as_json=as_json)


@app.command("leave")
def leave(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Leave the group; your own record stays on this machine."""
    from dltrack.group.membership import leave as go

    with opened(ctx) as store:
        render.emit(go(store), as_json=as_json)
