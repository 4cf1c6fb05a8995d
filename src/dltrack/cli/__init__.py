"""The dltrack command line: parse options, call a core function, hand the result to render.

Every command is registered once, in COMMANDS. A run imports and builds only the
command it was asked for (building every command's parameters is a noticeable
part of start-up, bench/README.md); `dltrack --help` builds them all.
"""

import contextlib
import errno
import importlib
import inspect
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Final, NoReturn, TextIO, cast

import typer

from dltrack import __version__, render
from dltrack.cli import shells
from dltrack.cli.common import Globals
from dltrack.errors import DltrackError, ExitCode
from dltrack.lang import CHINESE, language, tr, tr_filled

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
    "reset": "learner:reset",
    "undo": "record:undo",
    "log": "record:log",
    "note": "record:note",
    "open": "learner:open_",
    "show": "learner:show",
    "search": "learner:search",
    "progress": "learner:progress",
    "export": "record:export",
    "restore": "record:restore",
    "sync": "record:sync",
    "add": "record:add",
    "check-links": "links:check_links",
    "fix-links": "links:fix_links",
    "import": "curator:import_",
    "lint": "curator:lint",
    "group": "group:app",  # a sub-app: group init, admit, remove, join, sync, board, leave
}


def load(name: str) -> Callable[..., None]:
    """The function behind a command name (or its sub-app), importing its module on first use."""
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
        typer.Option(envvar="DLTRACK_DB", help=tr("Progress database file."), show_default=False),
    ] = None,
    seed: Annotated[
        Path | None,
        typer.Option(envvar="DLTRACK_SEED", help=tr("Catalogue file (default: the packaged one).")),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=tr("Show the version.")),
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help=tr("Never page long output on a terminal."))
    ] = False,
) -> None:
    """Study tracker and link curator for deep-learning reading lists."""
    ctx.obj = Globals(db=db, seed=seed)
    render.pager.allow(not no_pager)
    if ctx.invoked_subcommand is None:
        # A bare `dltrack` is most often "what do I read now?".
        ctx.invoke(load("next"), ctx)


def _named_only() -> None:
    # A command's stand-in while a shell completes command names: never run. No
    # docstring: it would be the description zsh and fish show for every command.
    pass


def build_app(
    names: Iterable[str] | None = None,
    *,
    completion: bool = False,
    stand_ins: bool = False,
    described: Mapping[str, str] | None = None,
) -> typer.Typer:
    """The Typer app with the named commands (default: all of them).

    completion adds typer's --install-completion and --show-completion; building them
    imports typer's shell code, which only a run that needs it pays for. stand_ins
    registers every name without importing its command: enough to complete a name;
    described gives the stand-ins their docstrings, for the shells that show them.
    """
    app = typer.Typer(
        name="dltrack",
        help=tr("Study tracker and link curator for deep-learning reading lists."),
        add_completion=completion,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback(invoke_without_command=True)(_root)
    for name in COMMANDS if names is None else names:
        if stand_ins:
            summary = tr((described or {}).get(name, "")) or None
            app.command(name, help=summary)(_named_only)
            continue
        command = load(name)
        # The docstring is the command's help: in the learner's language where it has one.
        if isinstance(command, typer.Typer):  # a sub-app: `group`
            command.info.help = _help(command)
            for sub in command.registered_commands:
                sub.help = _help(sub.callback)
            app.add_typer(command, name=name)
            continue
        app.command(name, help=_help(command))(command)
    return app


def _help(command: object) -> str | None:
    """A command's docstring as its help, in the learner's language (asked at each build)."""
    return tr(inspect.cleandoc(getattr(command, "__doc__", None) or "")) or None


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


class _OutputFailed(Exception):
    """Writing to standard output failed.

    Deliberately not an OSError: rich and click catch BrokenPipeError on their own
    and end the run with status 1, and any other OSError could be taken for a
    failure to read a file. This one passes them all and reaches run().
    """

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _GuardedOutput:
    """sys.stdout as commands see it: a failed write or flush raises _OutputFailed."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise _OutputFailed(error) from None

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise _OutputFailed(error) from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _no_second_interrupt() -> Iterator[None]:
    """While dltrack says it was interrupted, a second Ctrl-C cannot cut the sentence."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals go elsewhere anyway
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def interrupted() -> int:
    """Say that dltrack was interrupted; the exit code for it."""
    with _no_second_interrupt():
        render.error(tr("interrupted"))
    return ExitCode.INTERRUPTED


COMPLETE_VAR: Final = "_DLTRACK_COMPLETE"  # set by the completion script a shell sources
_COMPLETION_OPTIONS: Final = ("--install-completion", "--show-completion")


_SHELLS: Final = ("bash", "zsh", "fish", "powershell", "pwsh")


def _names_a_shell(args: list[str]) -> bool:
    """Whether a completion option is given a shell (`--show-completion bash`, `=bash`)."""
    for n, arg in enumerate(args):
        option, _, value = arg.partition("=")
        if option in _COMPLETION_OPTIONS:
            given = value or (args[n + 1] if n + 1 < len(args) else "")
            if given in _SHELLS:
                return True
    return False


def _completed_line() -> list[str]:
    """The words before the one being completed, as the shell's script hands them over."""
    import shlex

    line = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS") or ""
    try:
        words = shlex.split(line)
    except ValueError:  # an open quote: the line is still being typed
        words = line.split()
    if os.environ.get("COMP_CWORD", "").isdigit():
        words = words[: int(os.environ["COMP_CWORD"])]
    elif not line.endswith(" "):
        words = words[:-1]
    return words[1:]


def _complete() -> int:
    """Answer the shell's completion request; only the command being typed is built."""
    name = invoked_command(_completed_line())
    describing = shells.describes(os.environ.get(COMPLETE_VAR, ""))
    described = shells.docstrings(COMMANDS) if describing and name is None else None
    # No command typed yet: only the names are wanted, and importing every command
    # to offer them would triple the time of a Tab (bench/completion.py).
    app = build_app(
        [name] if name in COMMANDS else None,
        completion=True,
        stand_ins=name is None,
        described=described,
    )
    command = typer.main.get_command(app)
    if describing:  # after the build, which registers typer's own formats again
        shells.plain_descriptions()
    try:
        command._main_shell_completion({}, "dltrack", COMPLETE_VAR)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return ExitCode.OK


def _invoke(args: list[str]) -> int:
    """Parse and run the command line; its exit code."""
    if os.environ.get(COMPLETE_VAR):
        return _complete()
    name = invoked_command(args)
    # --help lists the completion options; other runs go without building them.
    completion = name not in COMMANDS and any(
        a in ("-h", "--help", *_COMPLETION_OPTIONS) or a.startswith(_COMPLETION_OPTIONS)
        for a in args
    )
    if completion and _names_a_shell(args):
        # typer's completion options guess the shell from the parent process and take
        # no shell name, unless its detection is off: then they take one. So
        # `dltrack --show-completion bash` prints bash's script even from sh or zsh.
        os.environ["_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"] = "1"
    app = build_app([name] if name in COMMANDS else None, completion=completion)
    command = typer.main.get_command(app)
    if language() == CHINESE:  # click's own words: only a Chinese run loads their translation
        from dltrack.cli.click_words import speak_chinese

        speak_chinese(command)
    # The command is run here rather than through click's main(), which would turn
    # Ctrl-C into a silent exit 130 and a reader that left into exit 1.
    try:
        with command.make_context("dltrack", args) as ctx:
            command.invoke(ctx)
    except typer.Exit as exit_:
        return int(exit_.exit_code)
    return ExitCode.OK


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; every failure becomes one line on stderr."""
    args = list(sys.argv[1:] if argv is None else argv)
    stdout = sys.stdout
    if stdout is None or stdout.closed:
        # Refused before anything is done: a `done` whose answer cannot be shown
        # marks nothing (and a file opened now could take the place of fd 1).
        render.error(tr("standard output is closed; nothing was done"))
        return ExitCode.DATA
    sys.stdout = cast(TextIO, _GuardedOutput(stdout))
    try:
        return _run(args)
    finally:
        sys.stdout = stdout


def _run(args: list[str]) -> int:
    click_error = _click_exception()
    try:
        code = _invoke(args)
        # Flushed here, not on the way out: a full disk must be reported, not lost.
        sys.stdout.flush()
    except DltrackError as error:
        # A library's errors are made in English (it knows no language): told again
        # here from their templates. A message made through tr() is left as it is.
        render.error(tr_filled(error.message))
        return error.exit_code
    except click_error as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # `dltrack group`: its help, as it is
            sys.stderr.write(error.format_message() + "\n")  # type: ignore[attr-defined]
            return ExitCode.USAGE
        message = error.format_message()  # type: ignore[attr-defined]
        if language() == CHINESE:
            from dltrack.cli.click_words import told

            message = told(message)
        # The help of the command that was mistyped, not only the list of commands.
        context = getattr(error, "ctx", None)
        where = context.command_path if context is not None else "dltrack"
        render.error(tr("{message} (see: {command} --help)").format(message=message, command=where))
        return int(getattr(error, "exit_code", ExitCode.USAGE))
    except _OutputFailed as failure:
        if failure.error.errno == errno.EPIPE:
            # The reader left (`dltrack list | head`): it has all it wanted.
            return ExitCode.OK
        why = tr(failure.error.strerror or str(failure.error))
        render.error(tr("cannot write the output: {why}").format(why=why))
        return ExitCode.DATA
    except (KeyboardInterrupt, typer.Abort):
        return interrupted()
    if code == ExitCode.INTERRUPTED:
        # A command that stopped on Ctrl-C itself (check-links keeps what it checked).
        return interrupted()
    return code


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI and exit with its code (SystemExit, so callers in Python can catch it)."""
    sys.exit(run(argv))


def leave(code: int) -> NoReturn:
    """Flush what is left of the output and end the process at once, with code.

    Tearing the interpreter down (freeing every module and object one by one) costs a
    third of a whole `dltrack next` (bench/README.md), and nothing needs it: by the
    time a command returns, its files and database are closed and its transaction
    is committed. Only the output buffers are left, and they are flushed here.
    """
    for stream in (sys.stdout, sys.stderr):
        # A reader that left, a full disk (already reported) or a stream closed already.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


def script() -> NoReturn:
    """The `dltrack` program: run the command, flush its output and leave at once."""
    leave(run())
