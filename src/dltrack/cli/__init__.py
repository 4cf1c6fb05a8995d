"""The dltrack command line: parse options, call a core function, hand the result to render.

Every command is registered once, in COMMANDS. A run imports and builds only the
command it was asked for (building every command's parameters is a noticeable
part of start-up, bench/README.md); `dltrack --help` builds them all.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Final, NoReturn

import typer

from dltrack import __version__, render
from dltrack.cli.common import Globals
from dltrack.errors import DltrackError, ExitCode

# Each command, as "module:function" under dltrack.cli, in the order `--help` lists them.
COMMANDS: Final[dict[str, str]] = {
    "tracks": "learner:tracks",
    "use": "learner:use",
    "stages": "learner:stages",
    "list": "learner:list_",
    "next": "learner:next_",
    "start": "learner:start",
    "done": "learner:done",
    "skip": "learner:skip",
    "undo": "learner:undo",
    "open": "learner:open_",
    "show": "learner:show",
    "search": "learner:search",
    "progress": "learner:progress",
    "export": "learner:export",
    "restore": "learner:restore",
    "check-links": "links:check_links",
    "import": "curator:import_",
    "lint": "curator:lint",
}


def load(name: str) -> Callable[..., None]:
    """The function behind a command name, importing its module on first use."""
    module, function = COMMANDS[name].split(":")
    command: Callable[..., None] = getattr(
        importlib.import_module(f"dltrack.cli.{module}"), function
    )
    return command


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
    ctx.obj = Globals(db=db, seed=seed)
    if ctx.invoked_subcommand is None:
        # A bare `dltrack` is most often "what do I read now?".
        ctx.invoke(load("next"), ctx)


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
        app.command(name)(load(name))
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


def _click_exception() -> type[Exception]:
    # typer re-exports click's exception hierarchy under its own (vendored) click;
    # find the base class through a public name so this works with either.
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; every failure becomes one line on stderr."""
    args = sys.argv[1:] if argv is None else argv
    name = invoked_command(args)
    click_error = _click_exception()
    try:
        app = build_app([name] if name in COMMANDS else None)
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
        # The reader left (`dltrack list | head`): not an error. Inside a command
        # typer gets there first and ends the run silently with status 1.
        sys.stderr.close()
        code = ExitCode.OK
    return int(code) if isinstance(code, int) else 0


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI and exit with its code (SystemExit, so callers in Python can catch it)."""
    sys.exit(run(argv))


def script() -> NoReturn:
    """The `dltrack` program: run the command, flush its output and leave at once.

    Tearing the interpreter down (freeing every module and object one by one) costs a
    third of a whole `dltrack next` (bench/README.md), and nothing needs it: by the
    time a command returns, its files and database are closed and its transaction
    is committed. Only the output buffers are left, and they are flushed here.
    """
    code = run()
    for stream in (sys.stdout, sys.stderr):
        # A reader that left (`dltrack list | head`) or a stream closed already.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
