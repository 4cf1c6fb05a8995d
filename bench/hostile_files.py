"""Hostile inputs, measured: exit code, wall time and peak memory of fresh dltrack processes.

    python bench/hostile_files.py                 # every case, 1,000,000 items for restore/export
    python bench/hostile_files.py --items 100000  # a quicker run
    python bench/hostile_files.py --only 19       # one class of cases
    python bench/hostile_files.py --pythonpath /tmp/other/src   # another dltrack tree

Standard library only. Every file (catalogues, databases, exports) lives in a temporary
directory that is removed afterwards; your own DLTRACK_DB and DLTRACK_SEED are never
used. Each case runs in a fresh "measurer" process that starts dltrack as its only child
and reports resource.getrusage(RUSAGE_CHILDREN): the peak RSS is that one dltrack's.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Runs in its own process: starts the command, waits, reports its time and peak RSS.
MEASURER = r"""
import json, os, resource, signal, subprocess, sys, time
spec = json.loads(sys.stdin.read())  # on stdin: 300,000 ids are too long for one argument
out = spec["stdout"]
stdout = {"devnull": subprocess.DEVNULL, "pipe": subprocess.PIPE}.get(out)
if out == "devfull":
    stdout = open("/dev/full", "w")
elif out not in ("devnull", "pipe", "closed"):
    stdout = open(out, "w")
def close_stdout():
    os.close(1)
start = time.perf_counter()
proc = subprocess.Popen(
    spec["argv"], env=spec["env"], stdin=subprocess.DEVNULL, stdout=stdout,
    stderr=subprocess.PIPE, preexec_fn=close_stdout if out == "closed" else None,
)
if out == "pipe":
    proc.stdout.read(spec.get("read", 1))
    proc.stdout.close()
if spec.get("signal"):
    delay, signum = spec["signal"]
    time.sleep(delay)
    proc.send_signal(signum)
try:
    err = proc.stderr.read()
    code = proc.wait(timeout=spec["timeout"])
except subprocess.TimeoutExpired:
    proc.kill()
    code, err = "hung", b""
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
err = err.decode(errors="replace")
print(json.dumps({"code": code, "s": elapsed, "peak_kib": peak, "err": err}))
"""

CATALOGUE = {
    "schema": 1,
    "last_id": 6,
    "tracks": [
        {
            "slug": "basics",
            "title": "深度学习基础",
            "stages": [
                {
                    "slug": "one",
                    "title": "一",
                    "items": [
                        {"id": n, "title": f"文章 {n}", "url": f"https://example.org/{n}"}
                        for n in range(1, 7)
                    ],
                }
            ],
        }
    ],
}


@dataclass
class Bench:
    """One run of the cases: where its files live and how dltrack is started."""

    root: Path
    items: int
    pythonpath: str | None
    results: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)

    def env(self, db: str = "dltrack.db", seed: str = "catalogue.json") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DLTRACK_")}
        env |= {"DLTRACK_DB": str(self.root / db), "DLTRACK_SEED": str(self.root / seed)}
        env.pop("PYTHONUNBUFFERED", None)
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        return env

    def measure(
        self,
        klass: str,
        name: str,
        *args: str,
        env: dict[str, str] | None = None,
        stdout: str = "devnull",
        timeout: float = 600,
        **extra: object,
    ) -> dict[str, object]:
        spec = {
            "argv": [sys.executable, "-m", "dltrack", *args],
            "env": env or self.env(),
            "stdout": stdout,
            "timeout": timeout,
            **extra,
        }
        done = subprocess.run(
            [sys.executable, "-c", MEASURER],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=timeout + 60,
        )
        result: dict[str, object] = json.loads(done.stdout)
        self.results.append((klass, name, result))
        err = str(result["err"]).strip().splitlines()
        shown = err[-1][:90] if err else ""
        print(
            f"{klass:>3}  {name:<44} exit {result['code']!s:>4}  {result['s']:7.2f} s  "
            f"{int(result['peak_kib']) / 1024:7.1f} MB  {shown}",
            flush=True,
        )
        return result

    def write(self, name: str, data: object) -> Path:
        path = self.root / name
        path.write_text(json.dumps(data), encoding="utf-8")  # ASCII: escapes stay escapes
        return path


def export_document(path: Path, items: int) -> None:
    """A progress export of n items in export's own layout (one item a line)."""
    with open(path, "w", encoding="utf-8") as out:
        out.write('{\n  "format": "dltrack-progress",\n  "version": 1,\n')
        out.write('  "exported_at": "2024-05-01T00:00:00+00:00",\n  "current_track": null,\n')
        out.write('  "items": [\n')
        for n in range(1, items + 1):
            notes = (
                [{"text": "读完了", "created_at": "2024-04-01T10:00:00+00:00"}]
                if n % 10 == 0
                else []
            )
            item = {
                "id": n,
                "title": f"文章 {n}",
                "status": "done",
                "started_at": None,
                "done_at": "2024-04-01T10:00:00+00:00",
                "updated_at": "2024-04-01T10:00:00+00:00",
                "notes": notes,
            }
            out.write(
                "    " + json.dumps(item, ensure_ascii=False) + (",\n" if n < items else "\n")
            )
        out.write("  ]\n}\n")


def big_catalogue(path: Path, items: int) -> None:
    entries = [
        {"id": n, "title": f"文章 {n}", "url": f"https://example.org/{n}"}
        for n in range(1, items + 1)
    ]
    stages = [
        {"slug": f"s{k}", "title": f"阶段 {k}", "items": entries[k * 500 : (k + 1) * 500]}
        for k in range(items // 500)
    ]
    path.write_text(
        json.dumps(
            {
                "schema": 1,
                "last_id": items,
                "tracks": [{"slug": "big", "title": "大", "stages": stages}],
            }
        )
    )


def run_cases(bench: Bench, only: set[str] | None) -> None:
    root = bench.root
    bench.write("catalogue.json", CATALOGUE)
    subprocess.run(
        [sys.executable, "-m", "dltrack", "next"], env=bench.env(), capture_output=True, check=True
    )

    def wanted(klass: str) -> bool:
        return only is None or klass in only

    if wanted("19"):
        export_document(root / "big-export.json", bench.items)
        env = bench.env(db="big.db")
        bench.measure(
            "19",
            f"restore {bench.items:,} items",
            "restore",
            str(root / "big-export.json"),
            env=env,
        )
        bench.measure(
            "19",
            f"export {bench.items:,} items to a file",
            "export",
            str(root / "out.json"),
            env=env,
        )
        bench.measure("19", f"export {bench.items:,} items to stdout", "export", env=env)
        bench.measure(
            "19",
            f"restore {bench.items:,} items again (unchanged)",
            "restore",
            str(root / "out.json"),
            env=env,
        )
        env = bench.env(db="note.db")
        subprocess.run(
            [sys.executable, "-m", "dltrack", "next"], env=env, capture_output=True, check=True
        )
        with sqlite3.connect(root / "note.db") as conn:
            conn.execute(
                "INSERT INTO note (item_id, text, created_at) VALUES (1, ?, '2024-01-01')",
                ("字" * (200 * 2**20 // 3),),
            )
        bench.measure("19", "show an item with a 200 MB note", "show", "1", env=env)
        bench.measure("19", "show --json, the same item", "show", "1", "--json", env=env)
        bench.measure("19", "done --note of 65 KiB", "done", "1", "--note", "x" * 66560)

    if wanted("10"):
        bench.measure("10", "done 2^63", "done", str(2**63))
        bench.measure("10", "done with a 5,000-digit id", "done", "9" * 5000)
        bench.measure("10", "next --track 2^63", "next", "--track", str(2**63))
        data = json.loads(json.dumps(CATALOGUE))
        data["tracks"][0]["stages"][0]["items"][0]["id"] = 2**63
        bench.write("big-id.json", data)
        bench.measure(
            "10", "catalogue with an id of 2^63", "--seed", str(root / "big-id.json"), "next"
        )
        bench.measure("10", "lint of that catalogue", "lint", str(root / "big-id.json"))
        bench.write(
            "big-id-export.json",
            {"format": "dltrack-progress", "version": 1, "items": [{"id": 2**63}]},
        )
        bench.measure("10", "restore of an id of 2^63", "restore", str(root / "big-id-export.json"))

    if wanted("11"):
        if Path("/dev/full").exists():
            bench.measure("11", "list > /dev/full", "list", stdout="devfull")
            bench.measure("11", "next --json > /dev/full", "next", "--json", stdout="devfull")
            bench.measure("11", "export > /dev/full", "export", stdout="devfull")
        bench.measure("11", "list >&- (stdout closed)", "list", stdout="closed")
        bench.measure("11", "done 2 >&- (stdout closed)", "done", "2", stdout="closed")
        env = bench.env(db="big.db")
        bench.measure(
            "11", "export | reader that leaves after 1 byte", "export", env=env, stdout="pipe"
        )

    if wanted("12"):
        os.mkfifo(root / "target.fifo")
        bench.measure("12", "export to a FIFO", "export", str(root / "target.fifo"))
        (root / "real.json").write_text("")
        (root / "link.json").symlink_to(root / "real.json")
        bench.measure("12", "export through a symlink", "export", str(root / "link.json"))
        bench.measure(
            "12", "export into a missing directory", "export", str(root / "no" / "x.json")
        )

    if wanted("13"):
        os.mkfifo(root / "source.fifo")
        cat = str(root / "catalogue.json")
        bench.measure(
            "13", "import /dev/zero", "import", "/dev/zero", "--track", "x", "--catalogue", cat
        )
        bench.measure(
            "13",
            "import of a FIFO without a writer",
            "import",
            str(root / "source.fifo"),
            "--track",
            "x",
            "--catalogue",
            cat,
            timeout=30,
        )
        bench.measure("13", "--seed /dev/zero next", "--seed", "/dev/zero", "next")
        bench.measure("13", "restore /dev/zero", "restore", "/dev/zero")
        bench.measure("13", "lint /dev/zero", "lint", "/dev/zero")

    if wanted("14"):
        text = json.dumps(CATALOGUE)
        (root / "deep.json").write_text(text[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
        bench.measure(
            "14", "catalogue nested 100,000 deep", "--seed", str(root / "deep.json"), "next"
        )
        bench.measure("14", "lint of that catalogue", "lint", str(root / "deep.json"))
        data = json.loads(text)
        data["tracks"][0]["title"] = "\ud800"
        bench.write("surrogate.json", data)
        bench.measure(
            "14", "catalogue with a lone surrogate", "--seed", str(root / "surrogate.json"), "next"
        )
        bench.write(
            "surrogate-export.json",
            {
                "format": "dltrack-progress",
                "version": 1,
                "items": [{"id": 1, "notes": [{"text": "\udc00"}]}],
            },
        )
        bench.measure(
            "14", "restore with a lone surrogate", "restore", str(root / "surrogate-export.json")
        )
        bench.write(
            "date-export.json",
            {
                "format": "dltrack-progress",
                "version": 1,
                "items": [{"id": 1, "status": "done", "done_at": "9999-12-31T23:59:59-14:00"}],
            },
        )
        bench.measure(
            "14", "restore with a date out of range", "restore", str(root / "date-export.json")
        )

    if wanted("15"):
        # As 30 ranges: 300,000 ids written out would not fit one command line (ARG_MAX).
        ranges = [f"{k * 10_000 + 1}-{(k + 1) * 10_000}" for k in range(30)]
        bench.measure("15", "done with 300,000 ids (30 ranges)", "done", *ranges)
        bench.measure(
            "15", "done with 50,000 ids written out", "done", *(str(n) for n in range(1, 50_001))
        )

    if wanted("16"):
        bench.measure(
            "16", "DLTRACK_DB=/dev/null", "next", env=bench.env() | {"DLTRACK_DB": "/dev/null"}
        )
        with sqlite3.connect(root / "newer.db") as conn:
            conn.execute("CREATE TABLE meta (key, value)")
            conn.execute("PRAGMA user_version = 99")
        bench.measure("16", "a database of a newer schema", "next", env=bench.env(db="newer.db"))

    if wanted("17"):
        big_catalogue(root / "slow.json", 100_000)
        for signum in (signal.SIGINT, signal.SIGTERM):
            for delay in (0.1, 0.5):
                bench.measure(
                    "17",
                    f"{signum.name} after {delay} s (first sync)",
                    "next",
                    env=bench.env(db=f"sig-{signum}-{delay}.db", seed="slow.json"),
                    signal=[delay, int(signum)],
                )

    if wanted("18"):
        path = root / "catalogue.json"
        text = path.read_text()
        info = path.stat()
        escaped = [json.dumps(title)[1:-1] for title in ("深度学习基础", "深度学习入门")]
        path.write_text(text.replace(*escaped))
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        result = bench.measure(
            "18",
            "tracks after a same-size, same-mtime edit",
            "tracks",
            stdout=str(root / "tracks.txt"),
        )
        noticed = "深度学习入门" in (root / "tracks.txt").read_text()
        print(
            f"{'':>3}  {'(the edit was noticed: ' + str(noticed) + ')':<44} exit {result['code']}"
        )

    if wanted("21"):
        data = json.loads(json.dumps(CATALOGUE))
        data["tracks"][0]["slug"] = "2024"
        bench.write("digits.json", data)
        bench.measure(
            "21", "catalogue with a track slug '2024'", "--seed", str(root / "digits.json"), "next"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000, help="items to restore and export")
    parser.add_argument("--only", action="append", help="only this class (10, 11, ..., 21)")
    parser.add_argument("--pythonpath", help="run the dltrack found here instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dltrack-hostile-") as tmp:
        bench = Bench(Path(tmp), args.items, args.pythonpath)
        print(f"{'':>3}  {'case':<44} {'exit':>9}  {'time':>9}  {'peak RSS':>10}  stderr")
        started = time.perf_counter()
        run_cases(bench, set(args.only) if args.only else None)
        print(f"\n{len(bench.results)} cases in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
