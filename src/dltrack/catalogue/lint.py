"""`dltrack lint`: check a catalogue file for CI, and that its ids keep their promise.

Returns data and never prints; every finding names its JSON path.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pydantic import ValidationError

from dltrack.catalogue.fileio import load_catalogue
from dltrack.catalogue.importing import DEFAULT_CATALOGUE
from dltrack.catalogue.model import Catalogue, CatalogueItem, problems_of
from dltrack.catalogue.reports import Finding, Level, LintReport
from dltrack.errors import CatalogueError
from dltrack.files import CATALOGUE_LIMIT, FileProblem, decode_json, read_bytes
from dltrack.hosts import is_private
from dltrack.importer.labels import glued_text, usable_title
from dltrack.importer.urls import canonical, clean, unwrap
from dltrack.lang import N_, tr
from dltrack.text import is_blank, same_title

ERROR = Level.ERROR
WARNING = Level.WARNING
# Findings are made in English, as JSON keeps them, and marked: the screen translates.
EMPTY = N_("empty (only invisible characters)")
NO_URL = N_("no URL")


def lint_file(path: Path = DEFAULT_CATALOGUE, against: Path | None = None) -> LintReport:
    """Check a catalogue file (and, with against, the promise of its ids)."""
    old: Catalogue | None = None
    if against is not None:
        try:
            old = load_catalogue(against)
        except CatalogueError as error:
            said = tr("the catalogue to compare with: {message}")
            raise CatalogueError(said.format(message=error.message), error.problems) from None
    if not path.exists():
        raise CatalogueError(tr("no catalogue at {path}: pass the file to check").format(path=path))
    try:
        raw = read_bytes(path, what="catalogue", limit=CATALOGUE_LIMIT)
    except FileProblem as problem:
        raise CatalogueError(problem.message) from None
    report = LintReport(file=str(path), against=_name(against), findings=())
    try:
        data = decode_json(raw, path)
    except FileProblem as problem:
        # Unreadable JSON is the first thing a CI run must fail on, not a crash.
        message = problem.detail.removeprefix(f"{path}: ")
        return report._replace(findings=(Finding(ERROR, problem.where or "(file)", message),))
    findings, tracks, items = lint_data(data, old)
    # Errors first: they are what a failing CI run is about.
    findings.sort(key=lambda f: f.level != ERROR)
    return report._replace(findings=tuple(findings), tracks=tracks, items=items)


def _name(path: Path | None) -> str | None:
    return None if path is None else str(path)


def lint_data(data: Any, old: Catalogue | None = None) -> tuple[list[Finding], int, int]:
    """Findings for decoded catalogue JSON, and how many tracks and items it holds."""
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as error:
        findings = []
        for err, problem in zip(error.errors(), problems_of(error), strict=True):
            # Duplicates and id clashes are reported one at a time by the schema;
            # _raw_duplicates finds all of them.
            if err["type"] in ("duplicate", "id_clash"):
                continue
            path, _, message = problem.partition(": ")
            findings.append(Finding(ERROR, path, message) if message else Finding(ERROR, "", path))
        findings += _raw_duplicates(data)
        return findings, 0, 0
    findings = _content(catalogue)
    if old is not None:
        findings += _promises(catalogue, old)
    return findings, len(catalogue.tracks), len(catalogue.items())


# -- lint: when the schema fails


def _list_of_dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(n, v) for n, v in enumerate(value) if isinstance(v, dict)]


def _raw_duplicates(data: Any) -> list[Finding]:
    """Duplicate slugs and id clashes, found in the raw JSON so that all are reported."""
    if not isinstance(data, dict):
        return []
    findings: list[Finding] = []
    slugs: dict[Any, int] = {}
    first_item: dict[int, tuple[str, dict[str, Any]]] = {}
    for t, track in _list_of_dicts(data.get("tracks")):
        slug = track.get("slug")
        if isinstance(slug, str):
            if slug in slugs:
                findings.append(
                    Finding(
                        ERROR,
                        f"tracks[{t}].slug",
                        N_("track slug {slug!r} is also tracks[{t}]'s").format(
                            slug=slug, t=slugs[slug]
                        ),
                    )
                )
            slugs.setdefault(slug, t)
        stage_slugs: dict[str, int] = {}
        for s, stage in _list_of_dicts(track.get("stages")):
            stage_slug = stage.get("slug")
            if isinstance(stage_slug, str):
                if stage_slug in stage_slugs:
                    findings.append(
                        Finding(
                            ERROR,
                            f"tracks[{t}].stages[{s}].slug",
                            N_(
                                "stage slug {slug!r} appears twice in the track (also stages[{s}])"
                            ).format(slug=stage_slug, s=stage_slugs[stage_slug]),
                        )
                    )
                stage_slugs.setdefault(stage_slug, s)
            for i, item in _list_of_dicts(stage.get("items")):
                item_id = item.get("id")
                if not isinstance(item_id, int) or isinstance(item_id, bool):
                    continue
                path = f"tracks[{t}].stages[{s}].items[{i}]"
                shown = {k: v for k, v in item.items() if v not in (None, [])}
                first = first_item.setdefault(item_id, (path, shown))
                if first[1] != shown:
                    findings.append(
                        Finding(
                            ERROR,
                            f"{path}.id",
                            N_(
                                "id {item_id} stands for two different items: "
                                "{here!r} here, {there!r} at {where}"
                            ).format(
                                item_id=item_id,
                                here=shown.get("title"),
                                there=first[1].get("title"),
                                where=first[0],
                            ),
                        )
                    )
    return findings


# -- lint: content of a valid catalogue


def _places(catalogue: Catalogue) -> Iterator[tuple[str, CatalogueItem]]:
    for t, track in enumerate(catalogue.tracks):
        for s, stage in enumerate(track.stages):
            for i, item in enumerate(stage.items):
                yield f"tracks[{t}].stages[{s}].items[{i}]", item


def _first_places(catalogue: Catalogue) -> dict[int, tuple[str, CatalogueItem]]:
    first: dict[int, tuple[str, CatalogueItem]] = {}
    for path, item in _places(catalogue):
        first.setdefault(item.id, (path, item))
    return first


def _content(catalogue: Catalogue) -> list[Finding]:
    findings: list[Finding] = []
    if catalogue.name is None:
        findings.append(
            Finding(
                WARNING,
                "catalogue",
                N_(
                    "no name: learners' progress is kept under the file's path, and is lost "
                    'from view when the file moves; add "catalogue": "<slug>"'
                ),
            )
        )
    if not catalogue.last_id and catalogue.items():
        findings.append(
            Finding(
                WARNING,
                "last_id",
                N_(
                    "not set: without the high-water mark, removing the newest items would "
                    "let their ids be handed out again"
                ),
            )
        )
    for t, track in enumerate(catalogue.tracks):
        if is_blank(track.title):
            findings.append(Finding(ERROR, f"tracks[{t}].title", EMPTY))
        for s, stage in enumerate(track.stages):
            if is_blank(stage.title):
                findings.append(Finding(ERROR, f"tracks[{t}].stages[{s}].title", EMPTY))
    by_canonical: dict[str, tuple[int, str]] = {}
    for item_id, (path, item) in _first_places(catalogue).items():
        if is_blank(item.title):
            findings.append(Finding(ERROR, f"{path}.title", EMPTY))
        elif not usable_title(item.title):
            findings.append(
                Finding(
                    WARNING,
                    f"{path}.title",
                    N_(
                        "{title!r} says what the link is, not what it is about "
                        "(a link text or an address): give the article's title"
                    ).format(title=item.title),
                )
            )
        if item.url is None:
            continue
        if (glued := glued_text(item.url)) is not None:
            # What import would have cut off or decoded; the other checks would only
            # repeat it.
            findings.append(
                Finding(
                    ERROR,
                    f"{path}.url",
                    N_(
                        "{glued!r} in the address: text of the page glued onto it, or an "
                        "escaped '&'; fix the URL"
                    ).format(glued=glued),
                )
            )
            continue
        host = urlsplit(item.url).hostname or ""
        if is_private(host):
            findings.append(
                Finding(
                    WARNING,
                    f"{path}.url",
                    N_(
                        "{host} is a private or local address: only this machine or network "
                        "can read it"
                    ).format(host=host),
                )
            )
        key = canonical(item.url)
        first = by_canonical.setdefault(key, (item_id, path))
        if first[0] != item_id:
            findings.append(
                Finding(
                    ERROR,
                    f"{path}.url",
                    N_(
                        "id {item_id} is the same article as id {other} ({where}); "
                        "one article keeps one id"
                    ).format(item_id=item_id, other=first[0], where=first[1]),
                )
            )
        target = unwrap(item.url)
        if target != item.url:
            findings.append(
                Finding(
                    ERROR,
                    f"{path}.url",
                    N_("still wrapped in a redirector; the real address is {target}").format(
                        target=target
                    ),
                )
            )
            continue
        cleaned = clean(item.url)
        if cleaned != item.url:
            dropped = _query_names(item.url) - _query_names(cleaned)
            if dropped:
                said = N_("tracking parameters left in the URL: {names} (clean: {cleaned})")
            else:
                said = N_("not in clean form (clean: {cleaned})")
            message = said.format(names=", ".join(sorted(dropped)), cleaned=cleaned)
            findings.append(Finding(WARNING, f"{path}.url", message))
    for t, track in enumerate(catalogue.tracks):
        ids = sorted({i.id for s in track.stages for i in s.items})
        bare = sorted({i.id for s in track.stages for i in s.items if i.url is None})
        if bare:
            # One line per track: a list of books and topics is not 50 problems.
            findings.append(
                Finding(
                    WARNING,
                    f"tracks[{t}]",
                    (
                        N_("{n} of {total} items has no URL (ids {ids})")
                        if len(bare) == 1
                        else N_("{n} of {total} items have no URL (ids {ids})")
                    ).format(n=len(bare), total=len(ids), ids=_ranges(bare)),
                )
            )
    return findings


def _query_names(url: str) -> set[str]:
    try:
        query = urlsplit(url).query
    except ValueError:
        return set()
    return {unquote(pair.split("=", 1)[0]) for pair in query.split("&") if pair}


def _ranges(ids: Sequence[int]) -> str:
    """'3-7, 9, 12-13' for [3, 4, 5, 6, 7, 9, 12, 13]."""
    parts: list[str] = []
    start = prev = ids[0]
    for n in [*ids[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


# -- lint: ids keep their promise


def _promises(catalogue: Catalogue, old: Catalogue) -> list[Finding]:
    findings: list[Finding] = []
    old_items = old.items()
    old_top = max(old.last_id, *old_items, 0)
    if catalogue.last_id < old.last_id:
        findings.append(
            Finding(
                ERROR,
                "last_id",
                N_(
                    "went down from {before} to {after}: retired ids could be handed out again"
                ).format(before=old.last_id, after=catalogue.last_id),
            )
        )
    for item_id, (path, item) in _first_places(catalogue).items():
        before = old_items.get(item_id)
        if before is None:
            if item_id <= old_top:
                findings.append(
                    Finding(
                        ERROR,
                        f"{path}.id",
                        N_(
                            "id {item_id} was issued before (the old catalogue goes up to "
                            "{top}) and retired; it cannot stand for {title!r} now"
                        ).format(item_id=item_id, top=old_top, title=item.title),
                    )
                )
            continue
        title_kept = same_title(before.title) == same_title(item.title)
        if before.url and item.url:
            if canonical(before.url) == canonical(item.url):
                continue
            if title_kept and canonical(before.url) in {canonical(u) for u in item.old_urls}:
                continue  # a recorded move (fix-links keeps the old URL in old_urls)
            if title_kept:
                # A moved article keeps its title: likely a link fix, but worth a look.
                findings.append(
                    Finding(
                        WARNING,
                        f"{path}.url",
                        N_(
                            "id {item_id} kept its title but moved from {url}; "
                            "check that it is the same article"
                        ).format(item_id=item_id, url=before.url),
                    )
                )
                continue
        elif title_kept:
            continue  # a link added to a book, or a dead link dropped
        findings.append(
            Finding(
                ERROR,
                f"{path}.id",
                N_(
                    "id {item_id} meant {old!r} ({old_url}) and now means {new!r} ({new_url}); "
                    "give the new item a new id"
                ).format(
                    item_id=item_id,
                    old=before.title,
                    old_url=before.url or NO_URL,
                    new=item.title,
                    new_url=item.url or NO_URL,
                ),
            )
        )
    return findings
