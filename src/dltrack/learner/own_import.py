"""`dltrack import --personal`: reading lists into one's own items, with every import rule."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dltrack.learner.days import when
from dltrack.learner.history import PERSONAL, Action, NewEvent, Recorder
from dltrack.learner.personal import (
    MAX_TITLE,
    new_key,
    personal_catalogue,
    personal_file,
    place_titles,
    refresh,
    write_personal_file,
)
from dltrack.store.db import Store

if TYPE_CHECKING:
    from dltrack.catalogue.reports import ImportReport


def import_personal(
    store: Store,
    paths: list[Path],
    track: str,
    *,
    title: str | None = None,
    topics: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import reading lists into one's own items, with every rule `dltrack import` has.

    Articles the catalogue already has are not added again (the report shows them
    as reused, under the catalogue's ids); the new ones become own items m1, m2, ...
    """
    from dltrack.catalogue.importing import import_documents, read_document
    from dltrack.catalogue.model import parse_catalogue
    from dltrack.catalogue.reports import Placed
    from dltrack.importer.urls import canonical

    documents = [read_document(p) for p in paths]  # every file read before anything is written
    with store.write() as conn:
        own = personal_catalogue(conn)
        # The catalogue's articles, so that an article it has keeps its id there.
        theirs: dict[str, tuple[int, str]] = {
            canonical(url): (item_id, item_title)
            for item_id, item_title, url in conn.execute(
                "SELECT id, title, url FROM item WHERE id > 0 AND active AND url IS NOT NULL"
            )
        }
        # Unnamed for the importer: "personal" is no name a catalogue file may take.
        base = parse_catalogue({**own, "catalogue": None}, source="your own items")
        top = max((i for i in base.items()), default=0)
        _, report = import_documents(base, documents, track, title=title, topics=topics)
        stages = []
        added: list[NewEvent] = []
        for stage in report.stages:
            items = []
            for item in stage.items:
                known = theirs.get(canonical(item.url)) if item.url else None
                if item.status is Placed.NEW and known is not None:
                    item = item._replace(id=known[0], status=Placed.REUSED, also_in=("catalogue",))
                elif item.status is Placed.NEW:
                    added.append(
                        NewEvent(
                            new_key(conn),
                            Action.ITEM_ADDED,
                            url=item.url,
                            title=item.title[:MAX_TITLE],
                            target=f"{track}/{stage.slug}",
                            text=place_titles(report.track_title, stage.title),
                        )
                    )
                    item = item._replace(id=-(top + len(added)))
                elif item.id <= top:
                    item = item._replace(id=-item.id)  # one's own already: m-number
                items.append(item)
            stages.append(stage._replace(items=tuple(items)))
        if not dry_run and added:
            Recorder(store, "import", when()).record(added, catalogue=PERSONAL)
            refresh(conn, store.meta("catalogue") or "")
            write_personal_file(conn, personal_file(store.path))
            # The numbers the mirror gave them (a retired number is never reused).
            numbered = {
                canonical(url): item_id
                for item_id, url in conn.execute("SELECT id, url FROM item WHERE id < 0")
                if url
            }
            stages = [
                s._replace(
                    items=tuple(
                        i._replace(id=numbered.get(canonical(i.url), i.id)) if i.url else i
                        for i in s.items
                    )
                )
                for s in stages
            ]
    # Ids the import met among one's own items are their numbers: m-ids.
    skipped = tuple(k._replace(id=-k.id) if k.id else k for k in report.skipped)
    return report._replace(
        stages=tuple(stages),
        skipped=skipped,
        catalogue="your own items",
        dry_run=dry_run,
        last_id_before=0,
        last_id=0,
    )
