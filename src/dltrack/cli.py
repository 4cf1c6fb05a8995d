"""The dltrack command line: parse options, call a core function, hand the result to render."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from dltrack import __version__, render
from dltrack.errors import DltrackError, ExitCode, UserError
from dltrack.store.db import Store

# Commands are registered here and added to a Typer app per run: building every
# command's parameters costs ~15 ms of start-up, so a run builds only the one it
# was asked for (`dltrack --help` builds them all).
COMMANDS: dict[str, Callable[..., None]] = {}


def command(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a function as the subcommand `name`."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        COMMANDS[name] = function
        return function

    return register


_paths: dict[str, Path | None] = {"db": None, "seed": None}

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print JSON (see the README for the shape).")
]
TrackOpt = Annotated[
    str | None, typer.Option("--track", "-t", help="Track slug or number (default: current).")
]
IdsArg = Annotated[list[str], typer.Argument(help="Item ids: 17, 3,4,5 or a range 3-7.")]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"dltrack {__version__}\n")
        raise typer.Exit()


def _root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(envvar="DLTRACK_DB", help="Progress database file.", show_default=False),
    ] = None,
    seed: Annotated[
        Path | None,
        typer.Option(envvar="DLTRACK_SEED", help="Catalogue file (default: the packaged one)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Study tracker and link curator for deep-learning reading lists."""
    _paths["db"], _paths["seed"] = db, seed
    if ctx.invoked_subcommand is None:
        # A bare `dltrack` is most often "what do I read now?".
        ctx.invoke(COMMANDS["next"])


@contextmanager
def opened() -> Iterator[Store]:
    """The store for this invocation, closed afterwards."""
    from dltrack.paths import default_db_path, default_seed_path
    from dltrack.store.db import session

    with session(_paths["db"] or default_db_path(), _paths["seed"] or default_seed_path()) as store:
        yield store


# ---------------------------------------------------------------- learner commands


@command("tracks")
def tracks_cmd(as_json: JsonFlag = False) -> None:
    """List the tracks with item counts and progress."""
    from dltrack.catalog import list_tracks

    with opened() as store:
        render.emit(list_tracks(store), as_json=as_json)


@command("use")
def use_cmd(track: Annotated[str, typer.Argument(help="Track slug or number.")]) -> None:
    """Make a track the current one."""
    from dltrack.catalog import use_track

    with opened() as store:
        ref = use_track(store, track)
    render.emit(render.Message(f"Current track: {ref.title} ({ref.slug})", {"current": ref.slug}))


@command("stages")
def stages_cmd(track: TrackOpt = None, as_json: JsonFlag = False) -> None:
    """Show a track's stages in order, with done/total and a bar."""
    from dltrack.catalog import list_stages

    with opened() as store:
        render.emit(list_stages(store, track), as_json=as_json)


@command("list")
def list_cmd(
    track: TrackOpt = None,
    stage: Annotated[
        str | None, typer.Option("--stage", "-s", help="Stage slug or number.")
    ] = None,
    status: Annotated[str, typer.Option(help="unread, reading, done, skipped or all.")] = "all",
    as_json: JsonFlag = False,
) -> None:
    """List items with id, title, stage and status."""
    from dltrack.catalog import list_items

    with opened() as store:
        render.emit(list_items(store, track, stage=stage, status=status), as_json=as_json)


@command("next")
def next_cmd(
    track: TrackOpt = None,
    n: Annotated[int, typer.Option("-n", help="How many items to show.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Show the next items to read: those in progress first, then unread ones in order."""
    from dltrack.catalog import next_items

    with opened() as store:
        render.emit(next_items(store, track, n), as_json=as_json)


def _mark(ids: list[str], status: str, note: str | None, as_json: bool) -> None:
    from dltrack.catalog import mark, parse_ids

    item_ids = parse_ids(ids)
    with opened() as store:
        render.emit(mark(store, item_ids, status, note=note), as_json=as_json)


NoteOpt = Annotated[str | None, typer.Option("--note", help="Attach a note to the items.")]


@command("done")
def done_cmd(ids: IdsArg, note: NoteOpt = None, as_json: JsonFlag = False) -> None:
    """Mark items as read; answers with the stage's new progress."""
    _mark(ids, "done", note, as_json)


@command("start")
def start_cmd(ids: IdsArg, note: NoteOpt = None, as_json: JsonFlag = False) -> None:
    """Mark items as being read (a long paper, a book); `next` shows them first."""
    _mark(ids, "reading", note, as_json)


@command("skip")
def skip_cmd(ids: IdsArg, note: NoteOpt = None, as_json: JsonFlag = False) -> None:
    """Skip items: they leave `next` without counting as read."""
    _mark(ids, "skipped", note, as_json)


@command("undo")
def undo_cmd(ids: IdsArg, as_json: JsonFlag = False) -> None:
    """Put items back to unread."""
    _mark(ids, "unread", None, as_json)


@command("open")
def open_cmd(item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id.")]) -> None:
    """Open an item's link in the web browser."""
    import webbrowser

    from dltrack.catalog import item_url

    (one,) = _one_id(item_id)
    with opened() as store:
        url = item_url(store, one)
    if not webbrowser.open(url):
        raise UserError(f"could not start a web browser; the link is {url}")
    render.emit(render.Message(f"Opened {url}", {"url": url}))


def _one_id(word: str) -> list[int]:
    from dltrack.catalog import parse_ids

    ids = parse_ids([word])
    if len(ids) != 1:
        raise UserError(f"give one item id, not {word!r}")
    return ids


@command("show")
def show_cmd(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id.")],
    as_json: JsonFlag = False,
) -> None:
    """Show an item: title, link, where it appears, status, dates and notes."""
    from dltrack.catalog import show_item

    (one,) = _one_id(item_id)
    with opened() as store:
        render.emit(show_item(store, one), as_json=as_json)


@command("search")
def search_cmd(
    query: Annotated[list[str], typer.Argument(help="Words the title must contain.")],
    track: Annotated[str | None, typer.Option("--track", "-t", help="Only this track.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Find items whose title contains the words (works for Chinese: dltrack search 卷积)."""
    from dltrack.catalog import search

    with opened() as store:
        render.emit(search(store, " ".join(query), track_name=track), as_json=as_json)


@command("progress")
def progress_cmd(track: TrackOpt = None, as_json: JsonFlag = False) -> None:
    """Show progress per track and stage, recent activity and your streak."""
    from dltrack.progress import progress_report

    with opened() as store:
        render.emit(progress_report(store, track), as_json=as_json)


@command("export")
def export_cmd(
    file: Annotated[
        Path | None, typer.Argument(help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Export your progress (status, dates, notes) as JSON, to move machines."""
    from dltrack.progress import export_progress
    from dltrack.seed import write_text_atomically

    with opened() as store:
        document = render.dumps(export_progress(store))
    if file is None:
        sys.stdout.write(document)
        return
    try:
        write_text_atomically(file, document)
    except OSError as error:
        raise UserError(f"cannot write {file}: {error.strerror}") from None
    render.emit(render.Message(f"Progress written to {file}", {"file": str(file)}))


@command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="A file written by dltrack export.")],
    as_json: JsonFlag = False,
) -> None:
    """Merge exported progress into this machine's; never deletes anything."""
    from dltrack.progress import restore_progress
    from dltrack.seed import read_json

    try:
        data = read_json(file, what="progress")
    except DltrackError as error:
        raise UserError(error.message) from None
    with opened() as store:
        render.emit(restore_progress(store, data), as_json=as_json)


# ---------------------------------------------------------------- entry point


def _click_exception() -> type[Exception]:
    # typer re-exports click's exception hierarchy under its own (vendored) click;
    # find the base class through a public name so this works with either.
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def build_app(names: Iterable[str] | None = None) -> typer.Typer:
    """The Typer app with the named commands (default: all of them)."""
    app = typer.Typer(
        name="dltrack",
        help="Study tracker and link curator for deep-learning reading lists.",
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback(invoke_without_command=True)(_root)
    for name in COMMANDS if names is None else names:
        app.command(name)(COMMANDS[name])
    return app


_GLOBAL_WITH_VALUE = ("--db", "--seed")


def invoked_command(argv: list[str]) -> str | None:
    """The subcommand named on a command line, skipping the global options before it."""
    words = iter(argv)
    for word in words:
        if word in _GLOBAL_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every failure becomes one line on stderr and a named exit code."""
    args = sys.argv[1:] if argv is None else argv
    name = invoked_command(args)
    app = build_app([name] if name in COMMANDS else None)
    click_error = _click_exception()
    try:
        code = typer.main.get_command(app).main(
            args=args, prog_name="dltrack", standalone_mode=False
        )
    except DltrackError as error:
        render.error(error.message)
        code = error.exit_code
    except click_error as error:
        message = error.format_message()  # type: ignore[attr-defined]
        render.error(f"{message} (see: dltrack --help)")
        code = getattr(error, "exit_code", ExitCode.USAGE)
    except typer.Abort:
        code = ExitCode.INTERRUPTED
    except KeyboardInterrupt:
        render.error("interrupted")
        code = ExitCode.INTERRUPTED
    except BrokenPipeError:
        # `dltrack list | head`: the reader left; that is not an error.
        sys.stderr.close()
        code = ExitCode.OK
    sys.exit(int(code) if isinstance(code, int) else 0)
