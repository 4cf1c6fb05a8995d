"""Read reading lists out of Markdown/HTML documents: links, books, topics, structure.

The importer is independent of the catalogue models: it returns plain dataclasses that a
curator (``dltrack.seedbuild``) or the ``dltrack import`` command turns into tracks.
"""

from dltrack.importer.extract import (
    BOLD_LEVEL,
    ExtractError,
    ExtractOptions,
    FoundItem,
    Section,
    clean_title,
    extract,
    front_matter,
)
from dltrack.importer.kinds import guess_kind
from dltrack.importer.urls import canonical, clean, unwrap

__all__ = [
    "BOLD_LEVEL",
    "ExtractError",
    "ExtractOptions",
    "FoundItem",
    "Section",
    "canonical",
    "clean",
    "clean_title",
    "extract",
    "front_matter",
    "guess_kind",
    "unwrap",
]
