"""Completion in the shells that show descriptions: zsh and fish.

bash offers the words only; zsh and fish show each with what it is: a command's
one-line help, a track's or an item's title. typer stands in the way twice. Its zsh
and fish formats pass every description through rich's markup, after importing
typer.rich_utils (90 ms a Tab): a title with "[paper]" in it loses the word, one with
"[/x]" ends the Tab in a traceback. And a command name is completed from stand-ins
(importing every command would triple a Tab), which have no help of their own.

Here the descriptions are written as they are, and the stand-ins get each command's
docstring, read from the source of its module without running it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dltrack.text import safe

# The shells whose completion shows a description beside each word.
DESCRIBING = ("zsh", "fish")


def describes(instruction: str) -> bool:
    """True when the shell asking (complete_zsh, complete_fish) shows descriptions."""
    return instruction.rpartition("_")[2] in DESCRIBING


def docstrings(commands: Mapping[str, str]) -> dict[str, str]:
    """Each command's docstring ("module:function" under dltrack.cli), read from the source.

    A sub-app (``app``) has its docstring set on it: ``app.__doc__ = "..."``.
    """
    import ast

    trees: dict[str, ast.Module] = {}
    found: dict[str, str] = {}
    for name, where in commands.items():
        module, function = where.split(":")
        if module not in trees:
            path = Path(__file__).with_name(f"{module}.py")
            trees[module] = ast.parse(path.read_text(encoding="utf-8"))
        for node in trees[module].body:
            if isinstance(node, ast.FunctionDef) and node.name == function:
                found[name] = ast.get_docstring(node) or ""
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                target = node.targets[0]
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "__doc__"
                    and isinstance(target.value, ast.Name)
                    and target.value.id == function
                ):
                    found[name] = str(node.value.value)
    return found


def _zsh_quoted(text: str) -> str:
    # As typer quotes a word for zsh's _arguments, so that both read alike.
    for plain, quoted in (('"', '""'), ("'", "''"), ("$", "\\$"), ("`", "\\`"), (":", r"\\:")):
        text = text.replace(plain, quoted)
    return text


def _one_line(text: str) -> str:
    # A title is the catalogue's text: an escape in it must not reach the terminal.
    return safe(re.sub(r"\s+", " ", text).strip())


def _zsh_item(item: Any) -> str:
    if item.help:
        return f'"{_zsh_quoted(item.value)}":"{_zsh_quoted(_one_line(item.help))}"'
    return f'"{_zsh_quoted(item.value)}"'


def _fish_item(item: Any) -> str:
    return f"{item.value}\t{_one_line(item.help)}" if item.help else f"{item.value}"


def plain_descriptions() -> None:
    """Have zsh and fish get each description as it is, not read as rich markup.

    Called once the app is built: building its completion options registers typer's
    own formats again.
    """
    from typer import _completion_classes as typer_shells

    base = typer_shells.ZshComplete.__mro__[1]  # click's ShellComplete, whichever click
    register = sys.modules[base.__module__].add_completion_class
    for shell, format_item in (
        (typer_shells.ZshComplete, _zsh_item),
        (typer_shells.FishComplete, _fish_item),
    ):
        plain = type(
            f"Plain{shell.__name__}", (shell,), {"format_completion": _method(format_item)}
        )
        register(plain, shell.name)


def _method(format_item: Any) -> Any:
    def format_completion(self: Any, item: Any) -> str:
        return str(format_item(item))

    return format_completion
