"""The curator's work on the catalogue: import reading lists into it, and lint it.

Both return data and never print; ``dltrack.cli.curator`` hands the results to
``dltrack.render``. render imports the result types below for every command, so this
module imports pydantic (``dltrack.seed``) and the importer only inside its functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from dltrack.errors import CatalogueError, UsageError, UserError
from dltrack.text import is_blank, same_title

if TYPE_CHECKING:
    from dltrack.importer import Entry
    from dltrack.seed import Catalogue, Item, Stage, Track

__all__ = [
    "DEFAULT_CATALOGUE",
    "Finding",
    "ImportReport",
    "ImportedItem",
    "ImportedStage",
    "LintReport",
    "SkippedLink",
    "SourceDocument",
    "import_documents",
    "import_files",
    "lint_data",
    "lint_file",
    "read_document",
]

# Curators work in a checkout of the repository, where the catalogue is versioned.
DEFAULT_CATALOGUE = Path("data/seed.json")

# How an imported item relates to what was there before.
NEW = "new"  # a new id
REUSED = "reused"  # the same article already had an id in the catalogue
REPEAT = "repeat"  # the same article appeared earlier in this import, in another stage

# Why an item found in a document is not placed (the extractor has its own reasons).
DUPLICATE_IN_DOCUMENT = "duplicate in this document"
ALREADY_IN_STAGE = "already in this stage"
INVALID = "not a valid item"

INTRO_SLUG = "intro"
INTRO_TITLE = "Introduction"

_SLUG_MAX = 48


# ---------------------------------------------------------------- import: results


class SourceDocument(NamedTuple):
    """A document to import: its file name (for reports) and its text."""

    name: str
    text: str


class ImportedItem(NamedTuple):
    """An item an import places in a stage."""

    id: int
    title: str
    url: str | None
    kind: str | None
    status: str  # NEW, REUSED or REPEAT
    # Where the id already stood: "track › stage" in the catalogue (REUSED) or
    # earlier in this import (REPEAT).
    also_in: tuple[str, ...] = ()


class ImportedStage(NamedTuple):
    """A stage an import creates, or an existing stage it adds items to."""

    slug: str
    title: str
    existing: bool
    items: tuple[ImportedItem, ...]


class SkippedLink(NamedTuple):
    """A link (or item) found in a document and left out, with the reason."""

    file: str
    section: str
    title: str
    url: str | None
    reason: str
    id: int | None = None  # the id the item has, when it is left out as a duplicate


class ImportReport(NamedTuple):
    """What an import added (or, in a dry run, would add), merged and skipped."""

    track: str
    track_title: str
    new_track: bool
    stages: tuple[ImportedStage, ...]
    skipped: tuple[SkippedLink, ...]
    last_id_before: int
    last_id: int
    headings_without_items: int = 0
    catalogue: str = ""
    dry_run: bool = False

    def placed(self, status: str) -> int:
        """How many placements have this status (NEW, REUSED, REPEAT)."""
        return sum(1 for s in self.stages for i in s.items if i.status == status)


# ---------------------------------------------------------------- import: reading input


def read_document(path: Path) -> SourceDocument:
    """Read a Markdown or HTML file as text; every way that can fail is one UserError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a directory, not a document") from None
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror or error}") from None
    # Notepad and some browsers save UTF-16 with a byte-order mark; it is still text.
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return SourceDocument(path.name, raw.decode("utf-16"))
        except UnicodeDecodeError:
            raise UserError(f"{path}: broken UTF-16 text") from None
    if b"\x00" in raw:
        raise UserError(f"{path}: binary data, not a Markdown or HTML document")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8 and try again"
        ) from None
    return SourceDocument(path.name, text)


def open_catalogue(path: Path) -> Catalogue:
    """The catalogue a curator edits; a missing one is named with the way out."""
    from dltrack.seed import load_catalogue

    if not path.exists():
        raise CatalogueError(
            f"no catalogue at {path}: run this in a dltrack checkout or pass --catalog PATH"
        )
    return load_catalogue(path)


# ---------------------------------------------------------------- import: the rules


def slugify(text: str) -> str:
    """An ASCII slug of a heading, or '' when the heading is not (mostly) Latin text."""
    # NFKD splits "é" into "e" + accent and full-width "ＣＮＮ" into "CNN".
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    if any(not c.isascii() and c.isalnum() for c in letters):
        # A Chinese heading slugified to its few Latin letters ("2.1、为什么要用Linux" ->
        # "2-1-linux") would be a misleading name: the caller numbers it instead.
        return ""
    slug = re.sub(r"[^a-z0-9]+", "-", letters.lower()).strip("-")
    if len(slug) > _SLUG_MAX:
        slug = slug[:_SLUG_MAX].rsplit("-", 1)[0] or slug[:_SLUG_MAX]
    return slug


def _unique(slug: str, used: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}-{n}", n + 1
    used.add(candidate)
    return candidate


def _document_title(document: SourceDocument, sections: Sequence[Any]) -> str | None:
    from dltrack.importer import BOLD_LEVEL, clean_title, front_matter

    title = clean_title(front_matter(document.text).get("title", ""))
    if title:
        return title
    # The first real heading, not a bold line: bold lines are usually sub-parts.
    return next((s.title for s in sections if 0 < s.level < BOLD_LEVEL and s.title), None)


class _StageDraft:
    """A stage being built: a new one, or an existing one being appended to."""

    def __init__(self, title: str, original: Stage | None = None, *, intro: bool = False):
        self.title = title
        self.original = original  # the stage already in the track, when appending
        self.intro = intro  # what came before the first heading
        self.slug = original.slug if original else ""
        self.items: list[Item] = list(original.items) if original else []
        self.added: list[ImportedItem] = []
        # Ids the stage held before this import.
        self.before = frozenset(i.id for i in self.items)


class _Importer:
    """One import run: the catalogue's index, the ids handed out, the stages built."""

    def __init__(self, catalogue: Catalogue, track: Track | None) -> None:
        from dltrack.importer import canonical

        self.canonical = canonical
        self.by_url: dict[str, Item] = {}
        self.places: dict[int, list[str]] = {}
        for t in catalogue.tracks:
            for s in t.stages:
                for item in s.items:
                    where = f"{t.slug} › {s.slug}"
                    if where not in self.places.setdefault(item.id, []):
                        self.places[item.id].append(where)
                    if item.url:
                        # The first place wins if the catalogue (wrongly) has two ids
                        # for one URL; `dltrack lint` reports that.
                        self.by_url.setdefault(canonical(item.url), item)
        # Items without a link are matched by title within the same track only, as the
        # seed builder does: "《深度学习》" in two curricula may be two editions.
        self.by_title: dict[str, Item] = {}
        self.stages: list[_StageDraft] = []
        self.by_stage_title: dict[str, _StageDraft] = {}
        if track is not None:
            for s in track.stages:
                draft = _StageDraft(s.title, s)
                self.stages.append(draft)
                self.by_stage_title.setdefault(s.title, draft)
                for item in s.items:
                    if item.url is None:
                        self.by_title.setdefault(same_title(item.title), item)
        self.next_id = catalogue.next_id()
        self.issued: dict[str, tuple[Item, str]] = {}  # key -> (item, first stage title)
        self.skipped: list[SkippedLink] = []

    def stage_for(self, heading: str) -> _StageDraft:
        """The existing stage with this title (appending), else a new stage."""
        existing = self.by_stage_title.get(heading or INTRO_TITLE)
        if existing is not None:
            return existing
        draft = _StageDraft(heading or INTRO_TITLE, intro=not heading)
        self.stages.append(draft)
        return draft

    def place(self, document: str, stage: _StageDraft, entry: Entry) -> None:
        from pydantic import ValidationError

        from dltrack.seed import Item, Kind, is_http_url

        url = entry.url
        if url is not None and not is_http_url(url):
            self.skip(document, stage.title, entry, INVALID)
            return
        key = "url " + self.canonical(url) if url else "title " + same_title(entry.title)
        issued = self.issued.get(key)
        if issued is not None:
            item, status = issued[0], REPEAT
            also_in: tuple[str, ...] = (issued[1],)
        else:
            found = self.by_url.get(self.canonical(url)) if url else None
            if found is None and url is None:
                found = self.by_title.get(same_title(entry.title))
            if found is not None:
                item, status = found, REUSED
                also_in = tuple(self.places.get(found.id, ()))
            else:
                kind = entry.kind_hint if entry.kind_hint in set(Kind) else None
                try:
                    item = Item(
                        id=self.next_id,
                        title=entry.title,
                        url=url,
                        kind=Kind(kind) if kind else (Kind.ARTICLE if url else Kind.TOPIC),
                    )
                except ValidationError:
                    self.skip(document, stage.title, entry, INVALID)
                    return
                self.next_id += 1
                status, also_in = NEW, ()
            self.issued[key] = (item, stage.title)
        if any(i.id == item.id for i in stage.items):
            reason = ALREADY_IN_STAGE if item.id in stage.before else DUPLICATE_IN_DOCUMENT
            self.skip(document, stage.title, entry, reason, item.id)
            return
        if status == REPEAT and also_in == (stage.title,):
            also_in = ()
        stage.items.append(item)
        stage.added.append(
            ImportedItem(
                item.id,
                item.title,
                item.url,
                item.kind.value if item.kind else None,
                status,
                also_in,
            )
        )

    def skip(
        self, document: str, section: str, entry: Entry, reason: str, item_id: int | None = None
    ) -> None:
        self.skipped.append(SkippedLink(document, section, entry.title, entry.url, reason, item_id))

    def finish_slugs(self) -> None:
        """Slugs for the new stages, in order, unique within the track."""
        used = {s.slug for s in self.stages if s.original}
        position = 0
        for stage in self.stages:
            if stage.original is None and not stage.items:
                continue  # every link under it was left out: no stage
            position += 1
            if stage.original is not None:
                continue
            numbered = f"stage-{position:02d}"
            base = INTRO_SLUG if stage.intro else slugify(stage.title) or numbered
            stage.slug = _unique(base, used)


def _check_options(track: str, title: str | None) -> None:
    from dltrack.seed import SLUG_RE

    if not SLUG_RE.match(track):
        raise UsageError(f"not a track slug (lower-case letters, digits and '-'): {track!r}")
    if title is not None and not title.strip():
        raise UsageError("--title must not be empty")


def import_documents(
    catalogue: Catalogue,
    documents: Sequence[SourceDocument],
    track: str,
    *,
    title: str | None = None,
    topics: bool = False,
) -> tuple[Catalogue, ImportReport]:
    """The catalogue with the documents' reading items in track, and what changed.

    A new track gets the documents' stages in order. Importing into an existing track
    appends: a section whose heading matches an existing stage's title adds its new items
    at the end of that stage, other sections become new stages after the existing ones;
    nothing is removed, reordered or renumbered, so re-importing a document changes nothing.
    """
    from dltrack.importer import ExtractError, ExtractOptions
    from dltrack.importer.extract import extract_report
    from dltrack.seed import Source, Stage, Track, parse_catalogue

    _check_options(track, title)
    if not documents:
        raise UsageError("no documents to import")
    existing = next((t for t in catalogue.tracks if t.slug == track), None)
    importer = _Importer(catalogue, existing)
    # 《Book》 mentions without a link are items; so are addresses written out in full.
    # Outlines and course plans name topics without links; only asked for, since in
    # an article list a link-less line is usually prose, not something to study.
    options = ExtractOptions(books=True, bare_urls=True, plain_items=topics)
    document_title: str | None = None
    empty_headings = 0
    for document in documents:
        try:
            extraction = extract_report(document.text, options)
        except ExtractError as error:
            raise UserError(f"{document.name}: {error}") from None
        importer.skipped.extend(
            SkippedLink(document.name, s.section, s.title, s.url, s.reason)
            for s in extraction.skipped
        )
        if not any(section.entries for section in extraction.sections):
            # Most likely the wrong file; importing the others without it would hide that.
            raise UserError(f"no links or book titles found in {document.name}; nothing imported")
        document_title = document_title or _document_title(document, extraction.sections)
        for index, section in enumerate(extraction.sections):
            if not section.entries:
                # A heading with nothing under it (the document's title, a part heading
                # whose links sit under sub-headings) would be an empty stage.
                if index:
                    empty_headings += 1
                continue
            stage = importer.stage_for(section.title)
            for entry in section.entries:
                importer.place(document.name, stage, entry)
    importer.finish_slugs()

    stages = [
        d.original.model_copy(update={"items": d.items})
        if d.original
        else Stage(slug=d.slug, title=d.title, items=d.items)
        for d in importer.stages
        if d.items or d.original
    ]
    if existing is not None:
        new_track = existing.model_copy(
            update={"stages": stages, "title": title.strip() if title else existing.title}
        )
        tracks = [new_track if t.slug == track else t for t in catalogue.tracks]
    else:
        names = ", ".join(d.name for d in documents)
        track_title = (title or "").strip() or document_title or track
        new_track = Track(
            slug=track, title=track_title, source=Source(document=names), stages=stages
        )
        tracks = [*catalogue.tracks, new_track]
    last_id = max(catalogue.last_id, importer.next_id - 1)
    updated = catalogue.model_copy(update={"tracks": tracks, "last_id": last_id})
    # model_copy does not validate: run the whole-file checks (one id, one item) once.
    checked = parse_catalogue(
        updated.model_dump(mode="json", by_alias=True, exclude_defaults=True),
        origin="the catalogue after the import",
    )
    report = ImportReport(
        track=track,
        track_title=new_track.title,
        new_track=existing is None,
        stages=tuple(
            ImportedStage(d.slug, d.title, d.original is not None, tuple(d.added))
            for d in importer.stages
            if d.added
        ),
        skipped=tuple(importer.skipped),
        last_id_before=catalogue.last_id,
        last_id=last_id,
        headings_without_items=empty_headings,
    )
    return checked, report


def import_files(
    paths: Sequence[Path],
    track: str,
    *,
    catalogue_path: Path = DEFAULT_CATALOGUE,
    title: str | None = None,
    topics: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import documents into a track of the catalogue file; a dry run writes nothing."""
    from dltrack.seed import write_catalogue

    _check_options(track, title)  # a mistyped option is reported before any file is read
    # Every document is read before anything is written: a bad file changes nothing.
    documents = [read_document(p) for p in paths]
    catalogue = open_catalogue(catalogue_path)
    updated, report = import_documents(catalogue, documents, track, title=title, topics=topics)
    if not dry_run:
        try:
            write_catalogue(updated, catalogue_path)
        except OSError as error:
            raise CatalogueError(
                f"cannot write {catalogue_path}: {error.strerror or error}"
            ) from None
    return report._replace(catalogue=str(catalogue_path), dry_run=dry_run)


# ---------------------------------------------------------------- lint


ERROR = "error"
WARNING = "warning"


class Finding(NamedTuple):
    """One problem in a catalogue: 'error' fails CI, 'warning' does not."""

    level: str
    path: str
    message: str

    def line(self) -> str:
        """The finding as one line: `LEVEL path: message`."""
        return f"{self.level} {self.path}: {self.message}"


class LintReport(NamedTuple):
    """Every finding in a catalogue file, and what it was compared with."""

    file: str
    against: str | None
    findings: tuple[Finding, ...]
    tracks: int = 0
    items: int = 0

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for f in self.findings if f.level == ERROR)

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return sum(1 for f in self.findings if f.level == WARNING)


def lint_file(path: Path = DEFAULT_CATALOGUE, against: Path | None = None) -> LintReport:
    """Check a catalogue file (and, with against, the promise of its ids)."""
    from dltrack.seed import decode_json, load_catalogue

    old: Catalogue | None = None
    if against is not None:
        try:
            old = load_catalogue(against)
        except CatalogueError as error:
            raise CatalogueError(f"--against: {error.message}", error.problems) from None
    if not path.exists():
        raise CatalogueError(f"no catalogue at {path}: pass the file to check")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CatalogueError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        data = decode_json(raw, path)
    except CatalogueError as error:
        # Unreadable JSON is the first thing a CI run must fail on, not a crash.
        message = error.message.removeprefix(f"{path}: ")
        return LintReport(str(path), _name(against), (Finding(ERROR, "(file)", message),))
    findings, tracks, items = lint_data(data, old)
    # Errors first: they are what a failing CI run is about.
    findings.sort(key=lambda f: f.level != ERROR)
    return LintReport(str(path), _name(against), tuple(findings), tracks, items)


def _name(path: Path | None) -> str | None:
    return None if path is None else str(path)


def lint_data(data: Any, old: Catalogue | None = None) -> tuple[list[Finding], int, int]:
    """Findings for decoded catalogue JSON, and how many tracks and items it holds."""
    from pydantic import ValidationError

    from dltrack.seed import Catalogue, problems_of

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
                        f"track slug {slug!r} is also tracks[{slugs[slug]}]'s",
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
                            f"stage slug {stage_slug!r} appears twice in the track "
                            f"(also stages[{stage_slugs[stage_slug]}])",
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
                            f"id {item_id} stands for two different items: "
                            f"{shown.get('title')!r} here, {first[1].get('title')!r} at {first[0]}",
                        )
                    )
    return findings


# -- lint: content of a valid catalogue


def _places(catalogue: Catalogue) -> Iterator[tuple[str, Item]]:
    for t, track in enumerate(catalogue.tracks):
        for s, stage in enumerate(track.stages):
            for i, item in enumerate(stage.items):
                yield f"tracks[{t}].stages[{s}].items[{i}]", item


def _first_places(catalogue: Catalogue) -> dict[int, tuple[str, Item]]:
    first: dict[int, tuple[str, Item]] = {}
    for path, item in _places(catalogue):
        first.setdefault(item.id, (path, item))
    return first


def _content(catalogue: Catalogue) -> list[Finding]:
    from dltrack.importer import canonical, clean, unwrap

    findings: list[Finding] = []
    if not catalogue.last_id and catalogue.items():
        findings.append(
            Finding(
                WARNING,
                "last_id",
                "not set: without the high-water mark, removing the newest items would "
                "let their ids be handed out again",
            )
        )
    for t, track in enumerate(catalogue.tracks):
        if is_blank(track.title):
            findings.append(
                Finding(ERROR, f"tracks[{t}].title", "empty (only invisible characters)")
            )
        for s, stage in enumerate(track.stages):
            if is_blank(stage.title):
                findings.append(
                    Finding(
                        ERROR, f"tracks[{t}].stages[{s}].title", "empty (only invisible characters)"
                    )
                )
    by_canonical: dict[str, tuple[int, str]] = {}
    for item_id, (path, item) in _first_places(catalogue).items():
        if is_blank(item.title):
            findings.append(Finding(ERROR, f"{path}.title", "empty (only invisible characters)"))
        if item.url is None:
            continue
        key = canonical(item.url)
        first = by_canonical.setdefault(key, (item_id, path))
        if first[0] != item_id:
            findings.append(
                Finding(
                    ERROR,
                    f"{path}.url",
                    f"id {item_id} is the same article as id {first[0]} ({first[1]}); "
                    "one article keeps one id",
                )
            )
        target = unwrap(item.url)
        if target != item.url:
            findings.append(
                Finding(
                    ERROR,
                    f"{path}.url",
                    f"still wrapped in a redirector; the real address is {target}",
                )
            )
            continue
        cleaned = clean(item.url)
        if cleaned != item.url:
            dropped = _query_names(item.url) - _query_names(cleaned)
            what = (
                "tracking parameters left in the URL: " + ", ".join(sorted(dropped))
                if dropped
                else "not in clean form"
            )
            findings.append(Finding(WARNING, f"{path}.url", f"{what} (clean: {cleaned})"))
    for t, track in enumerate(catalogue.tracks):
        ids = sorted({i.id for s in track.stages for i in s.items})
        bare = sorted({i.id for s in track.stages for i in s.items if i.url is None})
        if bare:
            # One line per track: a list of books and topics is not 50 problems.
            findings.append(
                Finding(
                    WARNING,
                    f"tracks[{t}]",
                    f"{len(bare)} of {len(ids)} items {'has' if len(bare) == 1 else 'have'} "
                    f"no URL (ids {_ranges(bare)})",
                )
            )
    return findings


def _query_names(url: str) -> set[str]:
    from urllib.parse import unquote, urlsplit

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
    from dltrack.importer import canonical

    findings: list[Finding] = []
    old_items = old.items()
    old_top = max(old.last_id, *old_items, 0)
    if catalogue.last_id < old.last_id:
        findings.append(
            Finding(
                ERROR,
                "last_id",
                f"went down from {old.last_id} to {catalogue.last_id}: "
                "retired ids could be handed out again",
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
                        f"id {item_id} was issued before (the old catalogue goes up to "
                        f"{old_top}) and retired; it cannot stand for {item.title!r} now",
                    )
                )
            continue
        title_kept = same_title(before.title) == same_title(item.title)
        if before.url and item.url:
            if canonical(before.url) == canonical(item.url):
                continue
            if title_kept:
                # A moved article keeps its title: likely a link fix, but worth a look.
                findings.append(
                    Finding(
                        WARNING,
                        f"{path}.url",
                        f"id {item_id} kept its title but moved from {before.url}; "
                        "check that it is the same article",
                    )
                )
                continue
        elif title_kept:
            continue  # a link added to a book, or a dead link dropped
        findings.append(
            Finding(
                ERROR,
                f"{path}.id",
                f"id {item_id} meant {before.title!r} ({before.url or 'no URL'}) "
                f"and now means {item.title!r} ({item.url or 'no URL'}); "
                "give the new item a new id",
            )
        )
    return findings
