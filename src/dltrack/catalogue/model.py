"""The schema of a catalogue file (data/seed.json), as pydantic models.

Importing this module costs pydantic's import time, so the everyday commands
only reach it when the catalogue file has changed since the last sync.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from dltrack.errors import CatalogueError
from dltrack.hosts import plain_url, valid_hostname
from dltrack.lang import N_, tr, tr_filled
from dltrack.learner.ids import MAX_ITEM_ID
from dltrack.text import is_slug

SCHEMA_VERSION = 1
HOST_RE = re.compile(r"^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


class Kind(StrEnum):
    """What sort of thing an item is."""

    ARTICLE = "article"
    PAPER = "paper"
    BOOK = "book"
    REPO = "repo"
    COURSE = "course"
    TOPIC = "topic"
    VIDEO = "video"


def _non_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise PydanticCustomError("blank", N_("must not be empty"))
    return value


def _slug(value: str) -> str:
    if not is_slug(value):
        raise PydanticCustomError(
            "slug",
            N_("not a slug (lower-case letters, digits and '-'): {value}"),
            {"value": repr(value)},
        )
    if value.isdigit():
        # `--track 2024` must name one thing: a number is a position in the list.
        raise PydanticCustomError(
            "slug",
            N_(
                "a slug cannot be only digits (a number names a position): {value}; "
                "add a letter or a word, like 'y{plain}'"
            ),
            {"value": repr(value), "plain": value},
        )
    return value


# The importer asks about each URL it places and again when it builds the item.
@lru_cache(maxsize=8192)
def is_http_url(value: str) -> bool:
    """True when value is an absolute http(s) URL whose host a resolver can look up."""
    if plain := plain_url(value):
        return valid_hostname(plain[0])  # no port, no space: the host is all to check
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018  (a port out of range raises here)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(host)
        and valid_hostname(host or "")
        and not _SPACE_OR_CONTROL.search(value)
    )


def _http_url(value: str) -> str:
    if not is_http_url(value):
        raise PydanticCustomError("url", N_("not an http(s) URL: {value}"), {"value": repr(value)})
    return value


def _not_personal(value: str) -> str:
    # The learner's own items are kept under this name (dltrack.learner.history.PERSONAL).
    if value == "personal":
        raise PydanticCustomError("reserved", N_("'personal' names your own items; choose another"))
    return value


Text = Annotated[str, AfterValidator(_non_blank)]
Slug = Annotated[str, AfterValidator(_slug)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]


class _Model(BaseModel):
    # Unknown keys are refused so that a typo ("titel") does not silently drop data.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """Where a track comes from."""

    document: Text
    author: str | None = None
    published: date | None = None
    url: HttpUrl | None = None


class CatalogueItem(_Model):
    """One thing to read or study; its id is a promise that never changes."""

    id: Annotated[int, Field(gt=0, le=MAX_ITEM_ID, strict=True)]
    title: Text
    url: HttpUrl | None = None
    kind: Kind | None = None
    tags: list[Text] = []
    # An archived copy of the page (a Wayback Machine snapshot, say): what a learner
    # is offered when the link is dead, even before any check has run here.
    archive: HttpUrl | None = None
    # Where the article used to be (dltrack fix-links keeps them): the record that a
    # changed URL is the same article moved, which `lint --against` accepts silently.
    old_urls: list[HttpUrl] = []


class CatalogueStage(_Model):
    """An ordered step of a track."""

    slug: Slug
    title: Text
    title_en: str | None = None
    items: list[CatalogueItem] = []


class CatalogueTrack(_Model):
    """One curriculum: ordered stages of ordered items."""

    slug: Slug
    title: Text
    title_en: str | None = None
    source: Source | None = None
    stages: list[CatalogueStage]

    @field_validator("stages")
    @classmethod
    def _unique_stage_slugs(cls, stages: list[CatalogueStage]) -> list[CatalogueStage]:
        seen: set[str] = set()
        for stage in stages:
            if stage.slug in seen:
                raise PydanticCustomError(
                    "duplicate", N_("stage slug {slug} appears twice"), {"slug": repr(stage.slug)}
                )
            seen.add(stage.slug)
        return stages


class LinkRule(_Model):
    """A curator's content rule for one host: page text that marks a link dead or blocked."""

    host: str
    dead_if: list[Text] = []
    blocked_if: list[Text] = []
    # Politeness for the host (see dltrack.linkcheck.hostpolicy): requests in flight,
    # seconds between request starts, statuses that count as ok, URLs not to check.
    per_host: Annotated[int, Field(ge=1, le=64, strict=True)] | None = None
    min_interval: Annotated[float, Field(ge=0, le=3600, allow_inf_nan=False)] | None = None
    accept: list[Annotated[int, Field(ge=100, le=599, strict=True)]] = []
    exclude: list[Text] = []

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip().lower()
        if not HOST_RE.match(value):
            raise PydanticCustomError(
                "host", N_("not a host name or *.host pattern: {value}"), {"value": repr(value)}
            )
        return value


class Catalogue(_Model):
    """The whole catalogue file."""

    schema_: Literal[1] = Field(alias="schema")
    # Who the catalogue is: the learner's progress is kept under this name, so a
    # second file with other items under the same ids never inherits it.
    name: Annotated[str, AfterValidator(_slug), AfterValidator(_not_personal)] | None = Field(
        default=None, alias="catalogue"
    )
    # The highest id ever issued. Ids of removed items are never handed out
    # again, so new items are numbered above this, not above today's maximum.
    last_id: Annotated[int, Field(ge=0, le=MAX_ITEM_ID, strict=True)] = 0
    tracks: list[CatalogueTrack]
    link_rules: list[LinkRule] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _consistent_ids(self) -> Catalogue:
        slugs: set[str] = set()
        by_id: dict[int, CatalogueItem] = {}
        for t, track in enumerate(self.tracks):
            if track.slug in slugs:
                raise PydanticCustomError(
                    "duplicate",
                    N_("tracks[{t}].slug: track slug {slug} appears twice"),
                    {"t": t, "slug": repr(track.slug)},
                )
            slugs.add(track.slug)
            for s, stage in enumerate(track.stages):
                for i, item in enumerate(stage.items):
                    # One id may stand in several places, but it must be the same item there.
                    first = by_id.setdefault(item.id, item)
                    if first != item:
                        raise PydanticCustomError(
                            "id_clash",
                            N_(
                                "tracks[{t}].stages[{s}].items[{i}].id: "
                                "id {id} stands for two different items ({a} and {b})"
                            ),
                            {
                                "t": t,
                                "s": s,
                                "i": i,
                                "id": item.id,
                                "a": repr(first.title),
                                "b": repr(item.title),
                            },
                        )
        top = max(by_id, default=0)
        if self.last_id and top > self.last_id:
            raise PydanticCustomError(
                "last_id",
                N_("last_id: {last} is below the highest item id {top}"),
                {"last": self.last_id, "top": top},
            )
        return self

    def next_id(self) -> int:
        """The id the next new item gets."""
        return max(self.last_id, *self.items(), 0) + 1

    def items(self) -> dict[int, CatalogueItem]:
        """Every item by id (an item listed in several places appears once)."""
        return {
            item.id: item for track in self.tracks for stage in track.stages for item in stage.items
        }


# Plain words for pydantic's built-in error types; the rest use pydantic's own message.
# Made in English (lint's JSON keeps them) and marked: a screen translates them.
_PLAIN = {
    "missing": N_("required"),
    "extra_forbidden": N_("unknown field"),
    "string_type": N_("must be a string"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "list_type": N_("must be a list"),
    "model_type": N_("must be an object"),
    "model_attributes_type": N_("must be an object"),
    "literal_error": N_("unsupported value"),
    "enum": N_("must be one of: {kinds}").format(kinds=", ".join(k.value for k in Kind)),
    "greater_than": N_("must be a positive number"),
    "less_than_equal": N_("must be below 2^53"),
    "date_from_datetime_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("must be a date (YYYY-MM-DD)"),
    "date_type": N_("must be a date (YYYY-MM-DD)"),
}


def json_path(loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic location into a JSON path: ('tracks', 2, 'url') -> tracks[2].url."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + ("schema" if part == "schema_" else part)
    return out or "(top level)"


def problems_of(error: ValidationError) -> list[str]:
    """One 'path: problem' line per validation error."""
    lines = []
    for err in error.errors():
        message = _PLAIN.get(err["type"], err["msg"])
        if err["type"] == "literal_error" and err["loc"] == ("schema",):
            said = N_("unsupported schema version (this dltrack reads {version})")
            message = said.format(version=SCHEMA_VERSION)
        # Whole-file checks carry their own path in the message.
        loc = tuple(err["loc"])
        lines.append(f"{json_path(loc)}: {message}" if loc else message)
    return lines


def parse_catalogue(data: Any, *, source: str) -> Catalogue:
    """Validate already-decoded JSON; raise CatalogueError listing each problem.

    source names the data in the message: a file name, or what it was made from.
    """
    try:
        return Catalogue.model_validate(data)
    except ValidationError as error:
        problems = problems_of(error)
        said = tr(
            "{source}: {problem} (and {n} more)" if len(problems) > 1 else "{source}: {problem}"
        )
        first = shown_problem(problems[0])
        message = said.format(source=source, problem=first, n=len(problems) - 1)
        raise CatalogueError(message, problems) from None


def shown_problem(problem: str) -> str:
    """A 'path: problem' line of problems_of in the learner's language."""
    said = tr_filled(problem)  # a whole-file check: its path is part of the sentence
    if said == problem and ": " in problem:
        path, _, message = problem.partition(": ")
        said = tr("{path}: {message}").format(path=path, message=tr_filled(message))
    return said
