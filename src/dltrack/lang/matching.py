"""Finding the template of an English sentence that is filled in already.

A lint finding is made in English (its JSON never changes with the language) and
shown in Chinese; so are click's own messages, which dltrack does not write. Each
template of the translations ("id {item_id} meant {old!r} ...") becomes a pattern
whose fields match any text; the sentence is told again in Chinese with the text each
field matched. Loaded only when Chinese is spoken, and built once a process.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

_FIELD: Final = re.compile(r"\{([a-z_0-9]+)(![rsa])?(:[^{}]*)?\}")
# Fields whose text is itself a sentence (click's "Invalid value for X: {message}"),
# told again in its turn.
_SENTENCES: Final = frozenset({"message", "problem", "detail", "reason", "why"})


class _Template(NamedTuple):
    pattern: re.Pattern[str]
    names: tuple[str, ...]  # the group of each field, in order
    literal: int  # how much of the sentence the template itself says
    anchor: str  # its longest literal piece: a cheap test before the pattern
    chinese: str


_templates: list[_Template] | None = None


def _compiled(english: str, chinese: str) -> _Template | None:
    pieces = _FIELD.split(english)
    # split() gives: literal, name, conversion, spec, literal, name, ...
    literals = pieces[::4]
    names = tuple(pieces[1::4])
    if not names or not any(ch.isalpha() for ch in "".join(literals)):
        return None  # a bare "{message}" would match everything
    regex = []
    seen: dict[str, int] = {}
    for n, literal in enumerate(literals):
        regex.append(re.escape(literal))
        if n < len(names):
            name = names[n]
            if name in seen:
                regex.append(f"(?P=f{seen[name]})")
            else:
                seen[name] = n
                regex.append(f"(?P<f{n}>.+?)")
    return _Template(
        pattern=re.compile("".join(regex), re.DOTALL),
        names=names,
        literal=sum(len(piece) for piece in literals),
        anchor=max(literals, key=len),
        chinese=chinese,
    )


def _all(messages: dict[str, str]) -> list[_Template]:
    global _templates
    if _templates is None:
        built = (_compiled(english, chinese) for english, chinese in messages.items())
        # A template around a sentence is tried first: "Invalid value for {hint}: {message}"
        # holds "{value} is not a valid integer.", whose own pattern would match the whole
        # line too. Then the template that says the most of a sentence wins.
        _templates = sorted(
            (t for t in built if t is not None),
            key=lambda t: (not _SENTENCES.intersection(t.names), -t.literal),
        )
    return _templates


def retold(text: str, messages: dict[str, str], depth: int = 0) -> str:
    """text in Chinese when it is one of the sentences of messages, filled in; else text."""
    if text in messages:
        return messages[text]
    for template in _all(messages):
        if template.anchor not in text:
            continue
        found = template.pattern.fullmatch(text)
        if found is None:
            continue
        values: dict[str, str] = {}
        for n, name in enumerate(template.names):
            value = found.group(f"f{n}") if f"f{n}" in found.groupdict() else None
            if value is not None and name not in values:
                nested = name in _SENTENCES and depth < 3
                values[name] = retold(value, messages, depth + 1) if nested else value
        return _filled(template.chinese, values)
    return text


def _filled(chinese: str, values: dict[str, str]) -> str:
    # The text each field matched, as it was: a !r or :g was applied already.
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), chinese)
