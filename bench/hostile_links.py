"""check-links against hostile servers: the time, peak memory and exit code of each class.

    python bench/hostile_links.py            # every class, median of 3 fresh runs
    python bench/hostile_links.py --runs 5
    python bench/hostile_links.py --full     # also 1,000 URLs on a silent host at the defaults

Each class runs a fresh `dltrack check-links --format json` process (from the
virtualenv of the Python running this) against tests/hostile.py's server on
127.0.0.1, with its own temporary database and catalogue; the caller's
DLTRACK_DB, DLTRACK_SEED and proxy settings are never used. The process reports
its own peak RSS. `python -c pass` is timed the same way, as the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from hostile import PROBE, HostileServer, PublicHostProxy, deflate_bomb, gzip_bomb, stacked_bomb  # noqa: E402

RULES = [{"host": "127.0.0.1", "dead_if": ["该内容已被发布者删除"]}]


@dataclass
class Case:
    name: str
    paths: list[str]
    args: tuple[str, ...] = ()
    proxy_to: str | None = None  # play a public host behind a proxy, redirecting here
    output: str | None = None  # --output, relative to the run's directory


def cases(full: bool) -> list[Case]:
    out = [
        Case(
            "8 decompression bombs at once",
            ["/gzip-bomb", "/deflate-bomb", "/stacked-bomb", "/stacked-bomb"] * 2,
        ),
        Case("unsupported encoding (br)", ["/brotli"]),
        Case("slowloris head, --timeout 1", ["/slow-head"], ("--timeout", "1", "--retries", "0")),
        Case(
            "endless 100 Continue, --timeout 1",
            ["/endless-continue"],
            ("--timeout", "1", "--retries", "0"),
        ),
        Case(
            "endless blank lines, --timeout 1",
            ["/endless-blank-lines"],
            ("--timeout", "1", "--retries", "0"),
        ),
        Case(
            "chunked body cut mid-line, --timeout 10",
            ["/chunked-cut"],
            ("--timeout", "10", "--retries", "0"),
        ),
        Case("80 URLs on a silent host, --timeout 1", ["/silent"] * 80, ("--timeout", "1")),
        Case(
            "invalid host names (catalogue and redirects)",
            ["http://xn--zz/", "http://a..b/", "/to-bad-host", "/to-empty-label", "/ok"],
        ),
        Case(
            "public page redirecting to 127.0.0.1", ["http://public.example/"], proxy_to="127.0.0.1"
        ),
        Case("--output into a missing directory", ["/ok"], output="missing/report.md"),
    ]
    if full:
        out.append(Case("1,000 URLs on a silent host, defaults", ["/silent"] * 1000))
    return out


def catalogue(path: Path, urls: list[str]) -> None:
    items = [{"id": n, "title": f"文章 {n}", "url": u} for n, u in enumerate(urls, 1)]
    data = {
        "schema": 1,
        "tracks": [
            {"slug": "t", "title": "t", "stages": [{"slug": "s", "title": "s", "items": items}]}
        ],
        "link_rules": RULES,
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    for name in ("DLTRACK_DB", "DLTRACK_SEED", "PYTHONDONTWRITEBYTECODE", "GITHUB_STEP_SUMMARY"):
        env.pop(name, None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def run_case(case: Case, server: HostileServer, tmp: Path) -> tuple[float, int, int, str]:
    """(seconds, peak RSS MB, exit code, the verdicts) of one fresh run."""
    urls = [
        p if p.startswith("http") else server.url(p + f"?n={n}") for n, p in enumerate(case.paths)
    ]
    work = Path(tempfile.mkdtemp(dir=tmp))
    catalogue(work / "c.json", urls)
    env = clean_env(tmp) | {"DLTRACK_DB": str(work / "db"), "DLTRACK_SEED": str(work / "c.json")}
    args = [sys.executable, "-c", PROBE, "check-links", "--format", "json", *case.args]
    if case.output:
        args += ["--output", str(work / case.output)]
    proxy = None
    if case.proxy_to:
        proxy = PublicHostProxy(f"http://{case.proxy_to}:{server.port}/secret").__enter__()
        env["HTTP_PROXY"] = f"http://127.0.0.1:{proxy.port}"
    try:
        started = time.monotonic()
        proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=7200)
        elapsed = time.monotonic() - started
    finally:
        if proxy is not None:
            proxy.__exit__()
    rss = [ln for ln in proc.stderr.splitlines() if ln.startswith("maxrss_kb")]
    peak = int(rss[-1].split()[1]) // 1024 if rss else 0
    verdicts: dict[str, int] = {}
    if proc.stdout.startswith("{"):
        for r in json.loads(proc.stdout)["results"]:
            verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
    shown = ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())) or proc.stderr.strip()[:60]
    return elapsed, peak, proc.returncode, shown


def floor(tmp: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], env=clean_env(tmp), check=True)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    for bomb in (gzip_bomb, deflate_bomb, stacked_bomb):
        bomb()  # made once, before anything is timed
    with tempfile.TemporaryDirectory() as name, HostileServer() as server:
        tmp = Path(name)
        print(
            f"floor: python -c pass {floor(tmp, args.runs) * 1000:.0f} ms (median of {args.runs})"
        )
        print(f"{'class':48} {'median s':>9} {'max s':>7} {'peak MB':>8} {'exit':>5}  verdicts")
        for case in cases(args.full):
            results = [run_case(case, server, tmp) for _ in range(args.runs)]
            times = [r[0] for r in results]
            peak = max(r[1] for r in results)
            codes = sorted({r[2] for r in results})
            print(
                f"{case.name:48} {statistics.median(times):9.2f} {max(times):7.2f} {peak:8d} "
                f"{','.join(map(str, codes)):>5}  {results[-1][3]}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
