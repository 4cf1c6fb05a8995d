"""What pointing a topic at reading costs `next` and `show`: the ranking, and whole processes.

For an item with no link, `next` and `show` rank the catalogue's items on it
(dltrack/learner/topics.py): SQLite picks out the titles that hold one of the topic's
pairs or words, and Python ranks those. This times that ranking in-process for each
topic of the packaged catalogue's outline, and for three topics put in front of the
generated 100,000-item catalogue of bench/commands.py (whose titles are all about
deep learning: many candidates); then fresh `dltrack next` processes whose first item
is a topic, next to ones whose first item has a link.

    python bench/topics.py            # about a minute
    python bench/topics.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from commands import base_env, generate_catalogue
from dltrack.learner.topics import on_the_topic
from dltrack.session import open_store

ROOT = Path(__file__).parents[1]
TOPICS = [
    {"id": 900001, "title": "卷积神经网络 CNN", "kind": "topic"},
    {"id": 900002, "title": "注意力机制", "kind": "topic"},
    {"id": 900003, "title": "模型压缩", "kind": "topic"},
]


def ranking_ms(db: Path, seed: Path, items: list[tuple[int, str]], runs: int) -> list[str]:
    """Median milliseconds of on_the_topic for each (id, title), and what it found."""
    store = open_store(db, seed)
    lines = []
    for item_id, title in items:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            found = on_the_topic(store, item_id, title, None)
            times.append((time.perf_counter() - start) * 1000)
        lines.append(f"  {statistics.median(times):7.2f} ms  {len(found)} shown  {title}")
    store.close()
    return lines


def next_ms(env: dict[str, str], runs: int) -> float:
    """Median wall milliseconds of a fresh `dltrack next` (after one untimed warm-up)."""
    argv = [sys.executable, "-m", "dltrack", "next"]
    subprocess.run(argv, env=env, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args(argv).runs
    packaged = ROOT / "data" / "seed.json"
    outline = [
        (i["id"], i["title"])
        for track in json.loads(packaged.read_text())["tracks"]
        for stage in track["stages"]
        for i in stage["items"]
        if not i.get("url")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        env = base_env(Path(tmp, "pyc"))
        big = generate_catalogue()
        first_stage = big["tracks"][0]["stages"][0]  # type: ignore[index]
        linked = Path(tmp, "linked.json")
        linked.write_text(json.dumps(big, ensure_ascii=False))
        first_stage["items"][:0] = TOPICS
        topical = Path(tmp, "topical.json")
        topical.write_text(json.dumps(big, ensure_ascii=False))
        print(f"ranking, median of {runs} (ms):")
        print(f"packaged catalogue, {len(outline)} items with no link:")
        lines = ranking_ms(Path(tmp, "packaged.db"), packaged, outline, runs)
        print("\n".join(sorted(lines, reverse=True)[:5]), "\n  ... (the slowest five)")
        print("generated 100,000-item catalogue:")
        ours = [(t["id"], t["title"]) for t in TOPICS]
        print("\n".join(ranking_ms(Path(tmp, "big.db"), topical, ours, runs)))
        print(f"fresh `dltrack next`, median of {runs} (ms):")
        for label, seed in (("first item has a link", linked), ("first item is a topic", topical)):
            db = Path(tmp, f"{seed.stem}.db")
            case = env | {"DLTRACK_DB": str(db), "DLTRACK_SEED": str(seed)}
            print(f"  100k, {label}: {next_ms(case, runs):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
