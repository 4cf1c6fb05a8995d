"""How well `dltrack import` reads reading lists: recall, precision, titles, re-import.

What it measures, on the documents in tests/fixtures/lists/ (written for the project
in the shapes real reading lists take: "[pdf] [code]" links beside a title, a label on
the line before a bare URL, repeated headings, tracking parameters, HTML comments,
credits sections, page chrome) against the extraction a person made by hand of each,
tests/fixtures/lists/expected.json (stage title, item title, URL):

* recall: the share of the expected items the import placed in the right stage
  (an item is its canonical URL, or its title when it has no URL);
* precision: the share of the placed items that are expected there;
* titles: the share of placed items whose title a learner cannot use (a generic link
  text, a URL, one character: dltrack.importer.labels.usable_title), and the share of
  matched items whose title is the hand-made one;
* re-import: whether importing each document a second time changes the catalogue;
* crashes: any exception, per document.

Every document goes through dltrack.catalogue.importing.import_documents into an empty
catalogue, in this process (no files written). Pass other documents and an expected
file of the same shape to measure those instead:

    python bench/import_quality.py
    python bench/import_quality.py --expected my-expected.json my-lists/*.md

Targets: recall >= 99%, precision >= 99%, at most 3% unusable titles, every second
import a no-op, no exception. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from dltrack.catalogue.importing import SourceDocument, import_documents
from dltrack.catalogue.model import Catalogue
from dltrack.importer.labels import usable_title
from dltrack.importer.urls import canonical

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "lists"

Placement = tuple[str, str, str | None]  # stage title, item title, URL


def _key(stage: str, title: str, url: str | None) -> tuple[str, str]:
    return stage, canonical(url) if url else "title " + title.casefold()


def placements(catalogue: Catalogue, track: str) -> list[Placement]:
    """Every (stage title, item title, URL) of the track, in order."""
    found = next(t for t in catalogue.tracks if t.slug == track)
    return [(s.title, i.title, i.url) for s in found.stages for i in s.items]


def measure(path: Path, expected: list[Placement]) -> dict[str, object]:
    """The figures for one document."""
    document = SourceDocument(path.name, path.read_text(encoding="utf-8"))
    empty = Catalogue(schema_=1, name="quality", tracks=[])
    first, _ = import_documents(empty, [document], "t")
    second, _ = import_documents(first, [document], "t")
    placed = placements(first, "t")
    want = {_key(*p): p[1] for p in expected}
    got = {_key(*p): p[1] for p in placed}
    matched = want.keys() & got.keys()
    return {
        "document": path.name,
        "expected": len(want),
        "placed": len(got),
        "matched": len(matched),
        "unusable": sum(not usable_title(p[1]) for p in placed),
        "same_title": sum(want[k] == got[k] for k in matched),
        "second_import_no_op": second == first,
        "missed": sorted(str(k) for k in want.keys() - got.keys()),
        "titled": sorted(f"{got[k]!r}, not {want[k]!r}" for k in matched if want[k] != got[k]),
        "extra": sorted(str(k) for k in got.keys() - want.keys()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("documents", nargs="*", type=Path)
    parser.add_argument("--expected", type=Path, default=FIXTURES / "expected.json")
    args = parser.parse_args(argv)
    expected = json.loads(args.expected.read_text(encoding="utf-8"))
    paths = args.documents or [FIXTURES / name for name in expected]
    rows, crashes = [], 0
    for path in paths:
        try:
            rows.append(measure(path, [tuple(p) for p in expected[path.name]]))
        except Exception:  # a crash is a finding: report it and go on
            crashes += 1
            print(f"{path.name}: crashed", file=sys.stderr)
            traceback.print_exc()
    print(
        f"{'document':<18} {'expected':>8} {'placed':>6} {'matched':>7} {'unusable':>8}  re-import"
    )
    for row in rows:
        print(
            f"{row['document']:<18} {row['expected']:>8} {row['placed']:>6} "
            f"{row['matched']:>7} {row['unusable']:>8}  "
            f"{'no-op' if row['second_import_no_op'] else 'CHANGED'}"
        )
        for what in ("missed", "extra", "titled"):
            for key in row[what]:  # type: ignore[attr-defined]
                print(f"    {what}: {key}")
    total = {k: sum(int(r[k]) for r in rows) for k in ("expected", "placed", "matched")}
    unusable = sum(int(r["unusable"]) for r in rows)
    same = sum(int(r["same_title"]) for r in rows)
    recall = total["matched"] / max(total["expected"], 1)
    precision = total["matched"] / max(total["placed"], 1)
    unusable_share = unusable / max(total["placed"], 1)
    no_ops = all(r["second_import_no_op"] for r in rows)
    print()
    print(f"recall     {recall:7.1%}  ({total['matched']} of {total['expected']} expected)")
    print(f"precision  {precision:7.1%}  ({total['matched']} of {total['placed']} placed)")
    print(f"unusable   {unusable_share:7.1%}  titles ({unusable} of {total['placed']})")
    print(f"same title {same / max(total['matched'], 1):7.1%}  as the hand-made extraction")
    print(f"re-import  {'a no-op for every document' if no_ops else 'CHANGED a catalogue'}")
    print(f"crashes    {crashes}")
    ok = recall >= 0.99 and precision >= 0.99 and unusable_share <= 0.03 and no_ops and not crashes
    print("targets:", "PASS" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
