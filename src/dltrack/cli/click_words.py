"""Typer's and click's own words in Chinese: the help's layout and headings, usage errors.

click writes its words in English, and the click inside typer 0.28 has no gettext to
hook into. dltrack meets them in two places and translates them there: the help, which
click lays out with the HelpFormatter of each command's context, and a usage error,
whose finished sentence run() prints (``lang.tr_filled`` finds its template in
``lang.zh_click``). The formatter also measures by terminal columns and wraps Chinese
by its own rules: click counts characters, and a Chinese character takes two columns.

Imported only when Chinese is spoken: an English run loads nothing of this.
"""

from __future__ import annotations

import re
from typing import Any, Final

from rich.cells import cell_len

from dltrack.lang import tr, tr_filled
from dltrack.render.wrap import wrap

# What click puts in brackets after an option's help: "[default: x; required]".
_EXTRA: Final = re.compile(r"(?P<help>.*?)\s*\[(?P<extra>[^\[\]]*)\]", re.DOTALL)


def speak_chinese(command: Any) -> None:
    """Have command, and every command under it, write its help in Chinese."""
    base = command.context_class
    context = type("ChineseContext", (base,), {"formatter_class": _formatter(base.formatter_class)})
    _give(command, context)


def _give(command: Any, context: type) -> None:
    command.context_class = context
    for sub in getattr(command, "commands", {}).values():
        _give(sub, context)


def told(message: str) -> str:
    """A usage error click or typer wrote, in Chinese (as it is when its wording is new)."""
    return tr_filled(message)


def _lines(text: str, width: int) -> list[str]:
    """text wrapped at width columns, paragraphs kept, each paragraph's lines joined first."""
    out: list[str] = []
    for n, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
        if n:
            out.append("")
        joined = " ".join(line.strip() for line in paragraph.splitlines())
        out += [joined[start:end].rstrip() for start, end in wrap(joined, width)]
    return out or [""]


def _definition(text: str, width: int) -> list[str]:
    """An option's or a command's help in lines, click's own sentences and notes translated.

    The note in brackets ("[default: x; required]") stays whole: after the help where
    it fits, else on a line of its own.
    """
    found = _EXTRA.fullmatch(text)
    if found is None:
        return _lines(tr(text), width)
    notes = tr("; ").join(tr_filled(note) for note in found["extra"].split("; "))
    note = f"[{notes}]"
    if not found["help"]:
        return [note]
    lines = _lines(tr(found["help"]), width)
    if cell_len(lines[-1]) + 2 + cell_len(note) <= width:
        lines[-1] += "  " + note
    else:
        lines.append(note)
    return lines


def _formatter(base: type) -> type:
    """A subclass of click's HelpFormatter (whichever click typer brings) that speaks Chinese."""

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        head = f"{' ' * self.current_indent}{tr('Usage: ') if prefix is None else prefix}{prog} "
        indent = cell_len(head)
        lines = _lines(args, max(self.width - indent, 20))
        self.write(head + lines[0] + "\n")
        for line in lines[1:]:
            self.write(" " * indent + line + "\n")

    def write_heading(self: Any, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{tr(heading)}{tr(':')}\n")

    def write_text(self: Any, text: str) -> None:
        indent = " " * self.current_indent
        for line in _lines(text, max(self.width - self.current_indent, 20)):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(self: Any, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first = min(max((cell_len(term) for term, _ in rows), default=0), col_max) + col_spacing
        under = " " * (first + self.current_indent)
        for term, text in rows:
            self.write(" " * self.current_indent + term)
            if not text:
                self.write("\n")
                continue
            if cell_len(term) <= first - col_spacing:
                self.write(" " * (first - cell_len(term)))
            else:
                self.write("\n" + under)
            lines = _definition(text, max(self.width - first - 2, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{under}{line}\n" if line else "\n")

    methods = {
        "write_usage": write_usage,
        "write_heading": write_heading,
        "write_text": write_text,
        "write_dl": write_dl,
    }
    return type("ChineseHelpFormatter", (base,), methods)
