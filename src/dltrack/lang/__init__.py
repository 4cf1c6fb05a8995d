"""The language dltrack speaks to a person: English, or Simplified Chinese.

Every sentence is written in English in the code, inside ``tr()``; the English text is
the key of its translation (as gettext does it). Catalogues are plain Python
dictionaries, one module per part of the program (``lang.zh_learner`` for the
learner's commands), imported only when Chinese is wanted: no files to compile or
find at run time, nothing to parse at start-up, the same in a wheel and a checkout.
Another part (the curator's commands) adds its own module to ``_PARTS``.

The language comes from DLTRACK_LANG (``zh`` or ``en``) when set, else from
LANGUAGE, LC_ALL, LC_MESSAGES and LANG as gettext reads them; anything but Chinese is
English. JSON, exit codes and option names never change with it.

A sentence that is made in English and kept so (a lint finding in JSON, a reason in
a file problem) is marked with ``N_()``, which changes nothing, and is translated
where a person reads it, filled in already, by ``tr_filled()``. Formats written for
other programs or shared files (a pull-request body, CI annotations) are made under
``english()``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

ENGLISH: Final = "en"
CHINESE: Final = "zh"
# The modules holding Chinese translations, each a MESSAGES dictionary.
_PARTS: Final = ("zh_learner", "zh_curator", "zh_click")

_loaded: dict[str, str] | None = None
_forced: str | None = None  # english() holds it


def _from_locale(value: str) -> str | None:
    """zh for a Chinese locale name (zh_CN.UTF-8, zh-Hans, zh), en for another, None if unset."""
    if not value:
        return None
    return CHINESE if value.lower().startswith("zh") else ENGLISH


def language() -> str:
    """The language to speak now: "zh" or "en"."""
    if _forced is not None:
        return _forced
    forced = os.environ.get("DLTRACK_LANG", "").strip().lower()
    if forced in (CHINESE, ENGLISH):
        return forced
    # LANGUAGE is a list of preferences (fr:zh_CN:en): the first we speak wins. gettext
    # ignores it under the C locale, and so do we.
    locale = next(
        (v for v in (os.environ.get(k, "") for k in ("LC_ALL", "LC_MESSAGES", "LANG")) if v), ""
    )
    if locale not in ("", "C", "POSIX"):
        for wanted in os.environ.get("LANGUAGE", "").split(":"):
            if wanted.lower().startswith(("zh", "en")):
                return CHINESE if wanted.lower().startswith("zh") else ENGLISH
    return _from_locale(locale) or ENGLISH


def catalogue() -> dict[str, str]:
    """Every Chinese translation, English text to Chinese (loaded once)."""
    global _loaded
    if _loaded is None:
        import importlib

        merged: dict[str, str] = {}
        for part in _PARTS:
            merged.update(importlib.import_module(f"dltrack.lang.{part}").MESSAGES)
        _loaded = merged
    return _loaded


def tr(message: str) -> str:
    """message in the learner's language (English when it has no translation)."""
    if language() != CHINESE:
        return message
    return catalogue().get(message, message)


def plural(n: int, one: str, many: str) -> str:
    """The form for n of a sentence with a count: Chinese has one form, English two."""
    return tr(one if n == 1 else many)


def N_(message: str) -> str:
    """message as it is: marks a sentence kept in English here and translated where shown."""
    return message


def tr_filled(text: str) -> str:
    """A sentence made in English and filled in already, in the learner's language.

    In Chinese its template is looked for among the translations ("id 7 meant ..." is
    "id {item_id} meant ..."); text that matches none stays as it is.
    """
    if language() != CHINESE:
        return text
    from dltrack.lang.matching import retold

    return retold(text, catalogue())


@contextmanager
def english() -> Iterator[None]:
    """Speak English inside: for a pull-request body or a CI annotation, whoever runs it."""
    global _forced
    before, _forced = _forced, ENGLISH
    try:
        yield
    finally:
        _forced = before
