"""`dltrack import`: the reading items of Markdown and HTML documents into a catalogue track.

Returns data and never prints. Reading the documents is ``dltrack.importer``'s;
this module decides where each item goes and which id it gets (by the one rule in
``catalogue.identity``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from dltrack.catalogue.fileio import load_catalogue, write_catalogue
from dltrack.catalogue.identity import Ids, item_key
from dltrack.catalogue.model import (
    Catalogue,
    CatalogueItem,
    CatalogueStage,
    CatalogueTrack,
    Kind,
    is_http_url,
    parse_catalogue,
)
from dltrack.catalogue.reports import ImportedItem, ImportedStage, ImportReport, Placed, SkippedLink
from dltrack.errors import CatalogueError, UserError
from dltrack.files import DOCUMENT_LIMIT, FileProblem, read_bytes
from dltrack.importer import (
    BOLD_LEVEL,
    ExtractError,
    ExtractOptions,
    FoundItem,
    Section,
    clean_title,
    front_matter,
)
from dltrack.importer.extract import extract_report
from dltrack.lang import N_, tr
from dltrack.records import Record

# Curators work in a checkout of the repository, where the catalogue is versioned.
DEFAULT_CATALOGUE = Path("data/seed.json")

# Why an item found in a document is not placed (the extractor has its own reasons).
DUPLICATE_IN_DOCUMENT = N_("duplicate in this document")
ALREADY_IN_STAGE = N_("already in this stage")
INVALID = N_("not a valid item")

INTRO_SLUG = "intro"
INTRO_TITLE = "Introduction"

_SLUG_MAX = 48
_KINDS = frozenset(Kind)


class SourceDocument(Record):
    """A document to import: its file name (for reports) and its text."""

    name: str
    text: str


def read_document(path: Path) -> SourceDocument:
    """Read a Markdown or HTML file as text; every way that can fail is one UserError."""
    try:
        raw = read_bytes(path, what="document", limit=DOCUMENT_LIMIT)
    except FileProblem as problem:
        raise UserError(problem.message) from None
    # Notepad and some browsers save UTF-16 with a byte-order mark; it is still text.
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return SourceDocument(path.name, raw.decode("utf-16"))
        except UnicodeDecodeError:
            raise UserError(tr("{path}: broken UTF-16 text").format(path=path)) from None
    if b"\x00" in raw:
        said = tr("{path}: binary data, not a Markdown or HTML document")
        raise UserError(said.format(path=path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        said = tr("{path}: not UTF-8 text (byte {start}); save it as UTF-8 and try again")
        raise UserError(said.format(path=path, start=error.start)) from None
    return SourceDocument(path.name, text)


def open_catalogue(path: Path) -> Catalogue:
    """The catalogue a curator edits; a file not there yet starts a new one, named after it."""
    if not path.exists():
        if not path.parent.is_dir():
            said = tr("no catalogue at {path}, and no directory {folder}")
            raise CatalogueError(said.format(path=path, folder=path.parent))
        name = slugify(path.stem) or "my-catalogue"
        if name.isdigit() or name == "personal":
            name = f"list-{name}"
        return Catalogue(schema_=1, name=name, tracks=[])
    return load_catalogue(path)


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


def _document_title(document: SourceDocument, sections: Sequence[Section]) -> str | None:
    title = clean_title(front_matter(document.text).get("title", ""))
    if title:
        return title
    # The first real heading, not a bold line: bold lines are usually sub-parts.
    return next((s.title for s in sections if 0 < s.level < BOLD_LEVEL and s.title), None)


class _StageDraft:
    """A stage being built: a new one, or an existing one being appended to."""

    def __init__(
        self, title: str, original: CatalogueStage | None = None, *, intro: bool = False
    ) -> None:
        self.title = title
        self.original = original  # the stage already in the track, when appending
        self.intro = intro  # what came before the first heading
        self.slug = original.slug if original else ""
        self.items: list[CatalogueItem] = list(original.items) if original else []
        self.ids = {i.id for i in self.items}
        self.added: list[ImportedItem] = []
        # Ids the stage held before this import.
        self.before = frozenset(self.ids)


class _Importer:
    """One import run: the catalogue's ids, the items handed out, the stages built."""

    def __init__(self, catalogue: Catalogue, track: str, existing: CatalogueTrack | None) -> None:
        self.track = track
        self.ids = Ids(catalogue)
        self.stages: list[_StageDraft] = []
        # Existing stages by title, in order: the n-th section of this import with a
        # title goes to the n-th stage with it, so two stages of one name stay apart.
        self.by_stage_title: dict[str, list[_StageDraft]] = {}
        self.met: dict[str, int] = {}
        for s in existing.stages if existing else ():
            draft = _StageDraft(s.title, s)
            self.stages.append(draft)
            self.by_stage_title.setdefault(s.title, []).append(draft)
        self.issued: dict[str, tuple[CatalogueItem, str]] = {}  # key -> (item, first stage)
        self.skipped: list[SkippedLink] = []

    def stage_for(self, heading: str) -> _StageDraft:
        """The existing stage with this title (appending), else a new stage."""
        title = heading or INTRO_TITLE
        seen = self.met[title] = self.met.get(title, 0) + 1
        existing = self.by_stage_title.get(title, ())
        if seen <= len(existing):
            return existing[seen - 1]
        draft = _StageDraft(title, intro=not heading)
        self.stages.append(draft)
        return draft

    def place(self, document: str, stage: _StageDraft, found: FoundItem) -> None:
        url = found.url
        if url is not None and not is_http_url(url):
            self.skip(document, stage.title, found, INVALID)
            return
        key = item_key(self.track, found.title, url, canonical_url=found.canonical_url)
        issued = self.issued.get(key)
        also_in: tuple[str, ...]
        if issued is not None:
            item, status, also_in = issued[0], Placed.REPEAT, (issued[1],)
        else:
            known = self.ids.find(key)
            if known is not None:
                item, status = known, Placed.REUSED
                also_in = tuple(self.ids.places.get(known.id, ()))
            else:
                hint = found.kind_hint if found.kind_hint in _KINDS else None
                try:
                    item = CatalogueItem(
                        id=self.ids.top + 1,
                        title=found.title,
                        url=url,
                        kind=Kind(hint) if hint else (Kind.ARTICLE if url else Kind.TOPIC),
                    )
                except ValidationError:
                    self.skip(document, stage.title, found, INVALID)
                    return
                self.ids.new_id()
                status, also_in = Placed.NEW, ()
            self.issued[key] = (item, stage.title)
        if item.id in stage.ids:
            reason = ALREADY_IN_STAGE if item.id in stage.before else DUPLICATE_IN_DOCUMENT
            self.skip(document, stage.title, found, reason, item.id)
            return
        if status is Placed.REPEAT and also_in == (stage.title,):
            also_in = ()
        stage.items.append(item)
        stage.ids.add(item.id)
        stage.added.append(
            ImportedItem(
                id=item.id,
                title=item.title,
                url=item.url,
                kind=item.kind.value if item.kind else None,
                status=status,
                also_in=also_in,
            )
        )

    def skip(
        self,
        document: str,
        section: str,
        found: FoundItem,
        reason: str,
        item_id: int | None = None,
    ) -> None:
        self.skipped.append(
            SkippedLink(
                file=document,
                section=section,
                title=found.title,
                url=found.url,
                reason=reason,
                id=item_id,
            )
        )

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
            if base.isdigit():  # a heading "2024": a number would name a position
                base = numbered
            stage.slug = _unique(base, used)


def stage_titles(sections: Sequence[Section]) -> dict[int, str]:
    """Stage titles (by id of section) for headings that repeat: "Python › 教程"."""
    counts: dict[str, int] = {}
    for section in sections:
        counts[section.title] = counts.get(section.title, 0) + 1
    return {
        id(s): f"{s.parent} › {s.title}"
        for s in sections
        if counts[s.title] > 1 and s.parent and s.title
    }


def import_documents(
    catalogue: Catalogue,
    documents: Sequence[SourceDocument],
    track: str,
    *,
    title: str | None = None,
    topics: bool = False,
    base_url: str | None = None,
) -> tuple[Catalogue, ImportReport]:
    """The catalogue with the documents' reading items in track, and what changed.

    A new track gets the documents' stages in order. Importing into an existing track
    appends: a section whose heading matches an existing stage's title adds its new items
    at the end of that stage, other sections become new stages after the existing ones;
    nothing is removed, reordered or renumbered, so re-importing a document changes nothing.
    """
    existing = next((t for t in catalogue.tracks if t.slug == track), None)
    importer = _Importer(catalogue, track, existing)
    # 《Book》 mentions without a link are items; so are addresses written out in full.
    # Outlines and course plans name topics without links; only asked for, since in
    # an article list a link-less line is usually prose, not something to study.
    options = ExtractOptions(
        books=True, books_in_prose=False, bare_urls=True, plain_items=topics, base_url=base_url
    )
    document_title: str | None = None
    empty_headings = 0
    extractions = []
    for document in documents:
        try:
            extractions.append(extract_report(document.text, options))
        except ExtractError as error:
            raise UserError(f"{document.name}: {error}") from None
    titles = stage_titles([s for e in extractions for s in e.sections if s.items])
    for document, extraction in zip(documents, extractions, strict=True):
        importer.skipped.extend(
            SkippedLink(
                file=document.name, section=s.section, title=s.title, url=s.url, reason=s.reason
            )
            for s in extraction.skipped
        )
        if not any(section.items for section in extraction.sections):
            # Most likely the wrong file; importing the others without it would hide that.
            said = tr("no links or book titles found in {name}; nothing imported")
            raise UserError(said.format(name=document.name))
        document_title = document_title or _document_title(document, extraction.sections)
        for index, section in enumerate(extraction.sections):
            if not section.items:
                # A heading with nothing under it (the document's title, a part heading
                # whose links sit under sub-headings) would be an empty stage.
                if index:
                    empty_headings += 1
                continue
            stage = importer.stage_for(titles.get(id(section), section.title))
            for found in section.items:
                importer.place(document.name, stage, found)
            # Placed, they are not needed again: a reading list of 700,000 links would
            # otherwise be held twice, as found and as placed, until the end.
            section.items = []
        extraction.skipped = []
    importer.finish_slugs()

    # The whole-file checks (one id, one item; unique slugs; last_id) run once, on the
    # result. The items in it are models already (read from the file, or built and
    # checked one by one in place()) and pass through as they are; only the track and
    # stages this import made or changed are read again.
    stages = [
        {**dict(d.original), "items": d.items}
        if d.original
        else {"slug": d.slug, "title": d.title, "items": d.items}
        for d in importer.stages
        if d.items or d.original
    ]
    if existing is not None:
        changed = {**dict(existing), "stages": stages}
        if title:
            changed["title"] = title.strip()
        tracks: list[object] = [changed if t.slug == track else t for t in catalogue.tracks]
    else:
        names = ", ".join(d.name for d in documents)
        track_title = (title or "").strip() or document_title or track
        changed = {
            "slug": track,
            "title": track_title,
            "source": {"document": names},
            "stages": stages,
        }
        tracks = [*catalogue.tracks, changed]
    last_id = max(catalogue.last_id, importer.ids.top)
    checked = parse_catalogue(
        {**dict(catalogue), "tracks": tracks, "last_id": last_id},
        source=tr("the catalogue after the import"),
    )
    new_track = next(t for t in checked.tracks if t.slug == track)
    report = ImportReport(
        track=track,
        track_title=new_track.title,
        new_track=existing is None,
        stages=tuple(
            ImportedStage(
                slug=d.slug, title=d.title, existing=d.original is not None, items=tuple(d.added)
            )
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
    base_url: str | None = None,
) -> ImportReport:
    """Import documents into a track of the catalogue file; a dry run writes nothing."""
    # Every document is read before anything is written: a bad file changes nothing.
    documents = [read_document(p) for p in paths]
    catalogue = open_catalogue(catalogue_path)
    updated, report = import_documents(
        catalogue, documents, track, title=title, topics=topics, base_url=base_url
    )
    if not dry_run:
        write_catalogue(updated, catalogue_path)
    return report._replace(catalogue=str(catalogue_path), dry_run=dry_run)
