"""Items found (by a search, or on a topic), each with every place it stands in."""

from __future__ import annotations

from dltrack.learner.results import Place, SearchHit
from dltrack.learner.status import Status
from dltrack.store.db import Store, named

# {where} picks the items; every place of each comes as a row, in catalogue order.
_HIT_ROWS = """
    SELECT i.id AS id, i.title AS title, i.url AS url,
           COALESCE(pr.status, 'unread') AS status,
           t.slug AS track_slug, t.title AS track_title,
           s.slug AS stage_slug, s.title AS stage_title
    FROM item i
    JOIN placement p ON p.item_id = i.id
    JOIN stage s ON s.id = p.stage_id
    JOIN track t ON t.slug = s.track_slug
    LEFT JOIN progress pr ON pr.item_id = i.id
    WHERE {where}
    ORDER BY t.position, s.position, p.position
"""


def hits(store: Store, where: str, args: list[object]) -> dict[int, SearchHit]:
    """The items the SQL condition where picks (on item i, track t), by id, in catalogue order."""
    found: dict[int, SearchHit] = {}
    for row in named(store.conn, _HIT_ROWS.format(where=where), args):
        hit = found.get(row["id"])
        if hit is None:
            hit = found[row["id"]] = SearchHit(
                id=row["id"],
                title=row["title"],
                url=row["url"],
                status=Status(row["status"]),
                places=[],
            )
        hit.places.append(
            Place(
                track_slug=row["track_slug"],
                track_title=row["track_title"],
                stage_slug=row["stage_slug"],
                stage_title=row["stage_title"],
            )
        )
    return found
