"""Fixes to the catalogue from the link history: moved links rewritten, dead ones archived.

A fix never removes anything and never changes an id or a title. A moved link gets
its new URL, and its old one is kept in the item's ``old_urls`` (so that
``dltrack lint --against`` knows the change was a recorded move, not a new article
under an old id). A dead link that has an archived copy gets ``archive``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dltrack.catalogue.fileio import read_catalogue_json, write_catalogue
from dltrack.catalogue.model import Catalogue, parse_catalogue
from dltrack.linkcheck.outcomes import Failure
from dltrack.linkcheck.verdicts import Verdict
from dltrack.records import Record
from dltrack.store.db import Store, named


class LinkFix(Record):
    """One change to one item, with the evidence for it."""

    id: int
    title: str
    change: str  # "moved" (url rewritten) or "archive" (archive added)
    old: str | None  # the URL before (moved), None (archive)
    new: str  # the new URL, or the archived copy
    reason: str  # what the check said
    checked_at: str  # when


class FixReport(Record):
    """What fix-links found, and whether it was written."""

    catalogue: str
    fixes: list[LinkFix]
    applied: bool


def _latest_checks(store: Store) -> tuple[dict[tuple[int, str], Any], dict[tuple[int, str], int]]:
    """The latest check that speaks for each (item, URL), and its dead checks in a row.

    Passing local failures (this machine's DNS or route) are skipped: they say nothing.
    """
    latest: dict[tuple[int, str], Any] = {}
    dead: dict[tuple[int, str], int] = {}
    for row in named(
        store.conn,
        """
        SELECT item_id, url, verdict, moved_to, reason, checked_at, failure FROM link_check
        ORDER BY checked_at, id
        """,
    ):
        if row["failure"] in (Failure.DNS_FAILED, Failure.UNREACHABLE):
            continue
        key = (row["item_id"], row["url"])
        latest[key] = row
        dead[key] = dead.get(key, 0) + 1 if row["verdict"] == Verdict.DEAD else 0
    return latest, dead


def _copies(store: Store) -> dict[tuple[int, str], tuple[str, str]]:
    found: dict[tuple[int, str], tuple[str, str]] = {}
    for item_id, url, copy, taken in store.conn.execute(
        "SELECT item_id, url, archive_url, archived_at FROM link_check "
        "WHERE archive_url IS NOT NULL ORDER BY checked_at, id"
    ):
        found[(item_id, url)] = (copy, taken)
    return found


def plan_fixes(store: Store, catalogue: Catalogue, *, confirm: int = 2) -> list[LinkFix]:
    """The fixes the history supports for a catalogue's items, in id order.

    A link counts as dead once its latest `confirm` checks in a row were dead: one bad
    day of a site does not earn its item an archived copy in the catalogue.
    """
    latest, dead_runs = _latest_checks(store)
    copies = _copies(store)
    fixes: list[LinkFix] = []
    for item_id, item in sorted(catalogue.items().items()):
        if item.url is None:
            continue
        check = latest.get((item_id, item.url))
        if check is None:
            continue
        if (
            check["verdict"] == Verdict.MOVED
            and check["moved_to"]
            and check["moved_to"] != item.url
        ):
            fixes.append(
                LinkFix(
                    item_id, item.title, "moved", item.url, check["moved_to"],
                    check["reason"], check["checked_at"],
                )
            )  # fmt: skip
        elif dead_runs.get((item_id, item.url), 0) >= confirm and item.archive is None:
            copy = copies.get((item_id, item.url))
            if copy is not None:
                reason = f"{check['reason']}; archived copy taken {copy[1][:10]}"
                fixes.append(
                    LinkFix(
                        item_id, item.title, "archive", None, copy[0], reason, check["checked_at"]
                    )
                )
    return fixes


def _fixed(data: Any, fixes: list[LinkFix]) -> Any:
    """The catalogue's JSON with the fixes made, in every place an item stands."""
    by_id = {fix.id: fix for fix in fixes}
    for track in data.get("tracks", []):
        for stage in track.get("stages", []):
            for item in stage.get("items", []):
                fix = by_id.get(item.get("id"))
                if fix is None:
                    continue
                if fix.change == "moved":
                    old_urls = [u for u in item.get("old_urls", []) if u != fix.new]
                    if fix.old is not None and fix.old not in old_urls:
                        old_urls.append(fix.old)
                    item["url"] = fix.new
                    item["old_urls"] = old_urls
                else:
                    item["archive"] = fix.new
    return data


def fix_links(store: Store, path: Path, *, apply: bool, confirm: int = 2) -> FixReport:
    """Plan the fixes for the catalogue file at path; with apply, write them atomically.

    The file is written in the stable layout, one line per item, so a diff shows one
    changed line per fixed item. Raises CatalogueError for a file that cannot be used,
    or when the fixed catalogue would not validate (nothing is written then).
    """
    data = read_catalogue_json(path)
    catalogue = parse_catalogue(data, source=str(path))
    fixes = plan_fixes(store, catalogue, confirm=confirm)
    if apply and fixes:
        fixed = parse_catalogue(_fixed(data, fixes), source=str(path))
        write_catalogue(fixed, path)
    return FixReport(catalogue=str(path), fixes=fixes, applied=apply and bool(fixes))
