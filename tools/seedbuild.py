"""Build the packaged catalogue (data/seed.json) from the source documents.

    python tools/seedbuild.py ../shared/seeds/*.txt --out data/seed.json

A maintainer's tool, not part of the installed package. Each document is recognised
by its content (marker strings), not by its file name, and may hold more than one
curriculum (track); ``seedrules.py`` says how to read each one. Everything else
comes from ``dltrack``: the importer reads the documents, and ids are handed out by
the same rule as ``dltrack import`` (``dltrack.catalogue.identity``), so a re-run
keeps every id and new items get ids above the high-water mark.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dltrack.catalogue.fileio import load_catalogue, write_catalogue
from dltrack.catalogue.identity import Ids
from dltrack.catalogue.importing import SourceDocument, read_document
from dltrack.catalogue.model import (
    Catalogue,
    CatalogueItem,
    CatalogueStage,
    CatalogueTrack,
    Kind,
    Source,
)
from dltrack.errors import CatalogueError, DltrackError, UserError
from dltrack.importer import FoundItem, Section, extract
from seedrules import SPECS, TrackSpec

# The packaged catalogue's name: learners' progress is kept under it.
PACKAGED_NAME = "dltrack-zh"


class CurationError(UserError):
    """A document does not have the structure its curation rules expect."""


# -- reading one track out of its document --------------------------------------------------


def _stage_sections(spec: TrackSpec, sections: list[Section]) -> list[list[FoundItem]]:
    """The entries of each stage of spec, in stage order."""
    if spec.lead_section is not None:
        return _lead_stages(spec, sections)
    start = 0
    if spec.begin is not None:
        found = [i for i, s in enumerate(sections) if s.title == spec.begin]
        if not found:
            raise CurationError(f"{spec.slug}: no section titled {spec.begin!r}")
        start = found[0]
    wanted = [s.source for s in spec.stages]
    stages: list[list[FoundItem]] = []
    for section in sections[start:]:
        if stages and spec.end is not None and re.search(spec.end, section.title):
            break
        if len(stages) < len(wanted) and section.title == wanted[len(stages)]:
            stages.append(list(section.items))
        elif section.title in wanted:
            raise CurationError(f"{spec.slug}: section {section.title!r} is out of order")
        elif stages:
            # A sub-heading inside a stage ("**图像基础**" under step 4) belongs to it.
            stages[-1].extend(section.items)
    if len(stages) < len(wanted):
        raise CurationError(f"{spec.slug}: no section titled {wanted[len(stages)]!r}")
    return stages


def _lead_stages(spec: TrackSpec, sections: list[Section]) -> list[list[FoundItem]]:
    leads = {e.title: e for s in sections if s.title == spec.lead_section for e in s.items}
    stages: list[list[FoundItem]] = []
    for stage in spec.stages:
        lead = leads.get(stage.source)
        if lead is None:
            raise CurationError(f"{spec.slug}: no module titled {stage.source!r}")
        missing = [t for t in stage.topics if t not in lead.context]
        if missing:
            raise CurationError(f"{spec.slug}: {stage.source!r} does not mention {missing[0]!r}")
        stages.append([FoundItem(t, None, "topic") for t in stage.topics])
    return stages


# -- building -----------------------------------------------------------------------------------


@dataclass
class Result:
    """What build() made, and what a curator should look at."""

    catalogue: Catalogue
    warnings: list[str]
    new_items: int


def _assign(
    documents: Sequence[SourceDocument], specs: Sequence[TrackSpec]
) -> dict[str, SourceDocument]:
    """Which document holds each track; every document must hold at least one."""
    holders: dict[str, SourceDocument] = {}
    for spec in specs:
        matches = [d for d in documents if all(m in d.text for m in spec.markers)]
        if len(matches) > 1:
            names = ", ".join(d.name for d in matches)
            raise CurationError(f"{spec.slug}: found in several documents ({names})")
        if matches:
            holders[spec.slug] = matches[0]
    for document in documents:
        if document not in holders.values():
            raise CurationError(f"{document.name}: not a document these curation rules know")
    return holders


def _kind(spec: TrackSpec, entry: FoundItem) -> Kind:
    if entry.url and entry.url in spec.rekind:
        return spec.rekind[entry.url]
    if entry.kind_hint:
        return Kind(entry.kind_hint)
    return spec.null_kind if entry.url is None else Kind.ARTICLE


def _track(
    spec: TrackSpec,
    document: SourceDocument,
    ids: Ids,
    items: dict[int, CatalogueItem],
    warnings: list[str],
) -> CatalogueTrack:
    stages_entries = _stage_sections(spec, extract(document.text, spec.options))
    used: set[str] = set()
    stages = []
    for stage_spec, entries in zip(spec.stages, stages_entries, strict=True):
        stage_items: list[CatalogueItem] = []
        stage_ids: set[int] = set()
        for entry in entries:
            if entry.url in spec.drop:
                used.add(entry.url)
                if not ids.known:
                    # Built from nothing, it still takes the id it had before it was
                    # dropped, so that every later id is the one the file has.
                    ids.id_for(spec.slug, entry.title, entry.url)
                continue  # its id stays retired
            title = spec.retitle.get(entry.url, entry.title) if entry.url else entry.title
            if entry.url and entry.url in spec.retitle:
                used.add(entry.url)
            item_id = ids.id_for(spec.slug, title, entry.url)
            if item_id not in items:
                # The first place an item appears fixes its title and URL everywhere.
                items[item_id] = CatalogueItem(
                    id=item_id, title=title, url=entry.url, kind=_kind(spec, entry)
                )
            if item_id not in stage_ids:
                stage_ids.add(item_id)
                stage_items.append(items[item_id])
        stages.append(
            CatalogueStage(
                slug=stage_spec.slug,
                title=stage_spec.title or stage_spec.source,
                title_en=stage_spec.title_en,
                items=stage_items,
            )
        )
    warnings.extend(
        f"{spec.slug}: title override for {url} matched no link"
        for url in sorted(spec.retitle.keys() - used)
    )
    warnings.extend(
        f"{spec.slug}: dropped link {url} matched no link" for url in sorted(spec.drop - used)
    )
    source = Source(document=document.name, author=spec.author, published=spec.published)
    return CatalogueTrack(
        slug=spec.slug, title=spec.title, title_en=spec.title_en, source=source, stages=stages
    )


def build(
    documents: Sequence[SourceDocument],
    existing: Catalogue | None = None,
    specs: Sequence[TrackSpec] = SPECS,
) -> Result:
    """The catalogue for these documents, keeping the ids of an existing catalogue."""
    holders = _assign(documents, specs)
    ids = Ids(existing)
    items: dict[int, CatalogueItem] = {}
    warnings: list[str] = []
    built = {
        spec.slug: _track(spec, holders[spec.slug], ids, items, warnings)
        for spec in specs
        if spec.slug in holders
    }
    # Tracks of documents not given this time, and hand-made tracks, are kept as they
    # are, except that an item also built now takes its new title and URL everywhere.
    kept = [
        _refresh(t, items) for t in (existing.tracks if existing else []) if t.slug not in built
    ]
    known = [s.slug for s in specs]
    ordered = [built.get(slug) or next((t for t in kept if t.slug == slug), None) for slug in known]
    tracks = [t for t in ordered if t is not None] + [t for t in kept if t.slug not in known]
    rules = existing.link_rules if existing else []
    name = existing.name if existing and existing.name else PACKAGED_NAME
    catalogue = Catalogue(schema_=1, name=name, last_id=ids.top, tracks=tracks, link_rules=rules)
    return Result(catalogue=catalogue, warnings=warnings, new_items=ids.issued)


def _refresh(track: CatalogueTrack, items: Mapping[int, CatalogueItem]) -> CatalogueTrack:
    stages = [
        stage.model_copy(update={"items": [items.get(i.id, i) for i in stage.items]})
        for stage in track.stages
    ]
    return track.model_copy(update={"stages": stages})


# -- command line -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Build the catalogue file; print a summary to stderr; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python tools/seedbuild.py", description="Build data/seed.json from documents."
    )
    parser.add_argument("documents", nargs="+", type=Path, help="source documents")
    parser.add_argument("--out", required=True, type=Path, help="catalogue file to write")
    args = parser.parse_args(argv)
    try:
        existing = load_catalogue(args.out) if args.out.exists() else None
        result = build([read_document(p) for p in args.documents], existing)
        write_catalogue(result.catalogue, args.out)
    except CatalogueError as error:
        print(f"error: {error.message}", file=sys.stderr)
        for problem in error.problems[1:]:
            print(f"  {problem}", file=sys.stderr)
        return int(error.exit_code)
    except DltrackError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return int(error.exit_code)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    catalogue = result.catalogue
    for track in catalogue.tracks:
        count = len({i.id for s in track.stages for i in s.items})
        print(f"{track.slug}: {len(track.stages)} stages, {count} items", file=sys.stderr)
    print(
        f"wrote {args.out}: {len(catalogue.tracks)} tracks, {len(catalogue.items())} items "
        f"({result.new_items} new)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
