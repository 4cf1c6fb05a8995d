"""Reading and writing catalogue files: decoding, validating, and the stable layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dltrack.catalogue.model import Catalogue, parse_catalogue
from dltrack.errors import CatalogueError
from dltrack.files import (
    CATALOGUE_LIMIT,
    FileProblem,
    decode_json,
    read_json,
    write_text_atomically,
)


def read_catalogue_json(path: Path) -> Any:
    """The decoded JSON of a catalogue file, not yet validated."""
    try:
        return read_json(path, what="catalogue", limit=CATALOGUE_LIMIT)
    except FileProblem as problem:
        raise CatalogueError(problem.message) from None


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate a catalogue file."""
    return parse_catalogue(read_catalogue_json(path), source=str(path))


def parse_catalogue_bytes(raw: bytes, path: Path) -> Catalogue:
    """Validate a catalogue file's bytes, already read."""
    try:
        data = decode_json(raw, path)
    except FileProblem as problem:
        raise CatalogueError(problem.message) from None
    return parse_catalogue(data, source=str(path))


def dump_catalogue(catalogue: Catalogue) -> str:
    """The stable, reviewable text of a catalogue: UTF-8, fixed key order, one item a line."""
    data = catalogue.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    lines = ["{", f'  "schema": {catalogue.schema_},']
    if catalogue.name:
        lines.append(f'  "catalogue": {json.dumps(catalogue.name)},')
    if catalogue.last_id:
        lines.append(f'  "last_id": {catalogue.last_id},')
    lines.append('  "tracks": [')
    for t, track in enumerate(data["tracks"]):
        stages = track.pop("stages")
        head = _compact({k: v for k, v in track.items()})
        lines.append("    {" + head[1:-1] + ', "stages": [')
        for s, stage in enumerate(stages):
            items = stage.pop("items", [])
            lines.append("      {" + _compact(stage)[1:-1] + ', "items": [')
            for i, item in enumerate(items):
                comma = "," if i < len(items) - 1 else ""
                lines.append("        " + _compact(item) + comma)
            lines.append("      ]}" + ("," if s < len(stages) - 1 else ""))
        lines.append("    ]}" + ("," if t < len(data["tracks"]) - 1 else ""))
    rules = data.get("link_rules")
    if rules:
        lines.append("  ],")
        lines.append('  "link_rules": [')
        for r, rule in enumerate(rules):
            lines.append("    " + _compact(rule) + ("," if r < len(rules) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _compact(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def write_catalogue(catalogue: Catalogue, path: Path) -> None:
    """Write a catalogue atomically: a reader never sees half a file (else CatalogueError)."""
    try:
        write_text_atomically(path, dump_catalogue(catalogue))
    except FileProblem as problem:
        raise CatalogueError(problem.message) from None
