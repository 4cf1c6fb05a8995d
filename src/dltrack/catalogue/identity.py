"""The one rule for "the same item", and how ids are handed out.

Both `dltrack import` and the seed builder go through here, so an article keeps
one id whichever of them meets it again.
"""

from __future__ import annotations

from dltrack.catalogue.model import Catalogue, CatalogueItem
from dltrack.importer.urls import canonical
from dltrack.text import same_title


def item_key(track: str, title: str, url: str | None, *, canonical_url: str | None = None) -> str:
    """What makes two listed items one item.

    An item with a link is its canonical URL, wherever it is listed (canonical_url, when
    the caller has it already, is canonical(url)). An item without one (a book, a topic)
    is its title within its own track: "《深度学习》" in two curricula may be two editions.
    """
    if url:
        return "url " + (canonical(url) if canonical_url is None else canonical_url)
    return f"title {track} {same_title(title)}"


class Ids:
    """A catalogue's items by key, where each stands, and the next id to hand out."""

    def __init__(self, catalogue: Catalogue | None) -> None:
        self.known: dict[str, CatalogueItem] = {}
        self.places: dict[int, list[str]] = {}
        # Never below the high-water mark: the ids of removed items stay retired.
        self.top = catalogue.last_id if catalogue else 0
        self.issued = 0
        self._assigned: dict[str, int] = {}  # keys first met in this run
        for track in catalogue.tracks if catalogue else ():
            for stage in track.stages:
                for item in stage.items:
                    # The first place wins if a catalogue (wrongly) has two ids for one
                    # article; `dltrack lint` reports that.
                    self.known.setdefault(item_key(track.slug, item.title, item.url), item)
                    where = f"{track.slug} › {stage.slug}"
                    places = self.places.setdefault(item.id, [])
                    if where not in places:
                        places.append(where)
                    self.top = max(self.top, item.id)

    def find(self, key: str) -> CatalogueItem | None:
        """The catalogue's item with this item_key, if any."""
        return self.known.get(key)

    def id_for(self, track: str, title: str, url: str | None) -> int:
        """This item's id: the catalogue's, the one it got earlier in this run, or a new one."""
        key = item_key(track, title, url)
        known = self.known.get(key)
        if known is not None:
            return known.id
        if key not in self._assigned:
            self._assigned[key] = self.new_id()
        return self._assigned[key]

    def new_id(self) -> int:
        """A fresh id, above every id ever issued."""
        self.top += 1
        self.issued += 1
        return self.top
