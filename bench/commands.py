"""Start-up speed of dltrack's everyday commands, measured the way a user feels it.

What it measures: the wall time of a FRESH process (one subprocess per run, no
shell) for `dltrack next`, `done ID`, `list` and `progress`, on

* the real catalogue (a snapshot of data/seed.json), and
* a generated 100,000-item catalogue (10 tracks x 100 stages x 100 items, Chinese
  titles mixed with Latin, realistic URLs; the same file on every run).

Each catalogue gets its own database in a temporary directory. The first run
against it creates the database and syncs the catalogue; that time is reported
on its own line, because it happens once per install, not per command.

Two peers are timed the same way so the figures mean something on any machine:
`python -c pass` (the interpreter floor) and `python -c "import typer,
rich.console"` (the import floor of our two UI libraries: no CLI built on them
can start faster).

Every run has stdout and stderr captured (a pipe, as in `dltrack next | cat`),
COLUMNS=100, and DLTRACK_DB / DLTRACK_SEED set explicitly, so the caller's own
database and catalogue are never touched. Bytecode is cached in a temporary
PYTHONPYCACHEPREFIX (even if the caller set PYTHONDONTWRITEBYTECODE), as it is
after a pip install. Rounds are interleaved (one run of every case per round) so
that a burst of background load hits all cases alike.

Run it from the dev virtualenv (it uses the `dltrack` script next to the Python
running it):

    python bench/commands.py             # 15 timed runs per case
    python bench/commands.py --quick     # 5 runs, for a smoke test
    python bench/commands.py --runs 40   # steadier medians

Exit status: 0 when every run succeeded (a missed target is a finding, not a
crash), 1 when a command failed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REAL_SEED = REPO / "data" / "seed.json"
PYTHON = sys.executable
# The console script installed beside this interpreter: running it is exactly
# what a user's shell does, including the entry-point wrapper's own cost.
DLTRACK = str(Path(sys.executable).parent / "dltrack")

DEFAULT_RUNS = 15
QUICK_RUNS = 5
PYTHON_FLOOR = "python -c pass"
UI_FLOOR = "python -c 'import typer, rich.console'"

# The product's speed targets: (catalogue key, command, limit in ms, inclusive?).
TARGETS = [
    ("real", "next", 100.0, True),
    ("100k", "next", 250.0, False),
]

# ---------------------------------------------------------------- generated catalogue

_ZH_TOPICS = [
    "卷积神经网络",
    "注意力机制",
    "反向传播",
    "梯度下降",
    "循环神经网络",
    "生成对抗网络",
    "扩散模型",
    "强化学习",
    "自监督学习",
    "知识蒸馏",
    "模型量化",
    "图神经网络",
    "位置编码",
    "混合专家模型",
    "对比学习",
    "目标检测",
    "语义分割",
    "词向量",
    "正则化",
    "优化器",
]
_EN_TERMS = [
    "Transformer",
    "ResNet",
    "BERT",
    "PyTorch",
    "LoRA",
    "Adam",
    "BatchNorm",
    "ViT",
    "GPT-2",
    "CLIP",
    "RLHF",
    "U-Net",
    "YOLOv8",
    "JAX",
    "FlashAttention",
    "word2vec",
]
_TITLE_FORMS = [
    "{zh}详解：从原理到 {en} 实现",
    "{en} 论文精读（{zh}）",
    "第{n}讲 {zh}与 {en}",
    "[{en}] {zh}入门笔记",
    "{zh}：{en} 源码阅读 part {n}",
    "Understanding {en}: {zh}的直观解释",
    "动手学 {en} —— {zh} 第{n}节",
]
_USERS = ["weixin_4432", "qq_3860", "lizhi-ml", "dl-notes", "xiaoming_ai", "karpathy", "lucidrains"]
_REPOS = ["nanoGPT", "minGPT", "pytorch-image-models", "x-transformers", "d2l-zh", "llama.cpp"]
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789"


def _url(rng: random.Random) -> str:
    """A link shaped like the ones real Chinese DL reading lists carry."""
    kind = rng.randrange(8)
    if kind == 0:
        month = f"{rng.randint(15, 25)}{rng.randint(1, 12):02d}"
        return f"https://arxiv.org/abs/{month}.{rng.randint(0, 99999):05d}"
    if kind == 1:
        return f"https://github.com/{rng.choice(_USERS)}/{rng.choice(_REPOS)}"
    if kind == 2:
        return f"https://zhuanlan.zhihu.com/p/{rng.randint(10**8, 10**9 - 1)}"
    if kind == 3:
        user = rng.choice(_USERS)
        return f"https://blog.csdn.net/{user}/article/details/{rng.randint(10**8, 10**9 - 1)}"
    if kind == 4:
        return "https://www.bilibili.com/video/BV1" + "".join(rng.choices(_ALNUM, k=9))
    if kind == 5:
        return "https://mp.weixin.qq.com/s/" + "".join(rng.choices(_ALNUM + "-_", k=22))
    if kind == 6:
        chapter = rng.choice(["convolutional-neural-networks", "recurrent-neural-networks"])
        return f"https://zh.d2l.ai/chapter_{chapter}/index.html"
    return f"https://pytorch.org/tutorials/beginner/{rng.choice(_EN_TERMS).lower()}_tutorial.html"


def generate_catalogue(tracks: int = 10, stages: int = 100, items: int = 100) -> dict[str, object]:
    """A valid catalogue of tracks x stages x items; seeded, so identical on every run."""
    rng = random.Random(20240601)
    next_id = 1
    out_tracks = []
    for t in range(1, tracks + 1):
        out_stages = []
        for s in range(1, stages + 1):
            out_items = []
            for _ in range(items):
                title = rng.choice(_TITLE_FORMS).format(
                    zh=rng.choice(_ZH_TOPICS), en=rng.choice(_EN_TERMS), n=rng.randint(1, 40)
                )
                out_items.append({"id": next_id, "title": title, "url": _url(rng)})
                next_id += 1
            title = f"第{s}阶段：{rng.choice(_ZH_TOPICS)} ({rng.choice(_EN_TERMS)})"
            out_stages.append({"slug": f"s-{s:03d}", "title": title, "items": out_items})
        title = f"路线 {t:02d} · Deep Learning {rng.choice(_ZH_TOPICS)}"
        out_tracks.append({"slug": f"t-{t:02d}", "title": title, "stages": out_stages})
    return {"schema": 1, "tracks": out_tracks}


def first_track_ids(catalogue: dict[str, object]) -> list[int]:
    """Item ids of the first track in catalogue order: a fresh DB's current track."""
    tracks = catalogue.get("tracks") or []
    if not isinstance(tracks, list) or not tracks:
        return []
    ids: list[int] = []
    seen: set[int] = set()
    for stage in tracks[0].get("stages", []):
        for item in stage.get("items", []):
            # An id may stand in several places; marking it twice would be a no-op.
            if item["id"] not in seen:
                seen.add(item["id"])
                ids.append(item["id"])
    return ids


# ---------------------------------------------------------------- running and timing


def base_env(pycache: Path) -> dict[str, str]:
    """The caller's environment minus anything that would change what dltrack does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLTRACK_")}
    # Import-time tracing or profiling left on by the caller would inflate every figure.
    for name in (
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONTRACEMALLOC",
        "PYTHONDEVMODE",
        "PYTHONBREAKPOINT",
        # With this set and an editable install, dltrack's own modules have no .pyc
        # and every run recompiles them (~20 ms): not what a pip-installed user sees.
        "PYTHONDONTWRITEBYTECODE",
    ):
        env.pop(name, None)
    # Bytecode goes to our temp dir, not into src/: the warm-up runs compile every
    # module once (peers' libraries too, so they stay comparable), later runs load it.
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["COLUMNS"] = "100"
    return env


def run_once(
    argv: list[str], env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Wall time in ms of one fresh process, with its output captured (a pipe)."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    return (time.perf_counter() - start) * 1000.0, done


def failure(done: subprocess.CompletedProcess[bytes]) -> str:
    """The last line a failed command wrote, to show in the table."""
    lines = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
    return f"exit {done.returncode}: {lines[-1] if lines else '(no output)'}"


@dataclass
class Case:
    """One row of the table: a command timed over several fresh runs."""

    catalogue: str  # "real", "100k", or "peer"
    label: str
    argv: Callable[[int], list[str]]  # run number -> command line
    env: dict[str, str]
    # Untimed clean-up after a run (e.g. `undo` when ids must be reused); returns
    # an error message when it fails.
    after: Callable[[int], str | None] | None = None
    times: list[float] = field(default_factory=list)
    error: str | None = None

    def run(self, number: int, *, record: bool) -> None:
        if self.error is not None:
            return  # once broken, further runs would only repeat the message
        elapsed, done = run_once(self.argv(number), self.env)
        if done.returncode != 0:
            self.error = failure(done)
            return
        if record:
            self.times.append(elapsed)
        if self.after is not None:
            self.error = self.after(number)


def p90(times: list[float]) -> float:
    """The 90th percentile by nearest rank: a value that was actually observed."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def dltrack_env(base: dict[str, str], db: Path, seed: Path) -> dict[str, str]:
    """The environment for one database: explicit paths, never the caller's."""
    return base | {"DLTRACK_DB": str(db), "DLTRACK_SEED": str(seed)}


def dltrack_cases(key: str, env: dict[str, str], ids: list[int], runs: int) -> list[Case]:
    """next, done, list and progress against one database."""

    def fixed(*words: str) -> Callable[[int], list[str]]:
        return lambda _n: [DLTRACK, *words]

    cases = [Case(key, "next", fixed("next"), env)]
    if ids:
        # Run 0 is the warm-up, so runs + 1 ids are used. With enough items every
        # run marks a new one, as a learner does; otherwise each id is put back to
        # unread (untimed) so the next `done` still has real work to do.
        reuse = len(ids) < runs + 1

        def done_argv(n: int) -> list[str]:
            return [DLTRACK, "done", str(ids[n % len(ids)])]

        def undo(n: int) -> str | None:
            _, result = run_once([DLTRACK, "undo", str(ids[n % len(ids)])], env)
            return None if result.returncode == 0 else f"undo failed: {failure(result)}"

        cases.append(Case(key, "done ID", done_argv, env, after=undo if reuse else None))
    cases += [
        Case(key, "list", fixed("list"), env),
        Case(key, "progress", fixed("progress"), env),
    ]
    return cases


def first_run(env: dict[str, str]) -> tuple[float, str | None]:
    """Time the run that creates the database and syncs the catalogue into it."""
    # `next`: what a new user types first, so this is the wait they meet once.
    elapsed, done = run_once([DLTRACK, "next"], env)
    return elapsed, None if done.returncode == 0 else failure(done)


# ---------------------------------------------------------------- report


def peer_median(cases: list[Case], label: str) -> float | None:
    """The median of a peer case, or None when it did not run."""
    case = next((c for c in cases if c.label == label and c.times), None)
    return statistics.median(case.times) if case else None


def busy_note() -> str | None:
    """A warning when other work shared the CPUs: medians then overstate the cost."""
    if not hasattr(os, "getloadavg"):
        return None
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0]
    # The benchmark itself keeps about one CPU busy; more than that is someone else.
    if load <= (cpus or 1) / 2 + 1:
        return None
    return (
        f"warning: the machine was busy (load {load:.2f} on {cpus} CPUs): medians and p90\n"
        "         are inflated by waiting for a CPU; min is the steadiest figure. Re-run\n"
        "         when idle, or with more --runs."
    )


def versions() -> str:
    """Versions of the packages on the start-up path (recent typer vendors click)."""
    out = []
    for name in ("dltrack", "typer", "click", "rich"):
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(out)


def machine() -> list[str]:
    """Header lines: enough about the machine to compare figures taken elsewhere."""
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        f"machine: nproc {usable} (of {cpus}), {platform.machine()}, {platform.system()} "
        f"{platform.release()}",
        f"python:  {platform.python_implementation()} {platform.python_version()} ({PYTHON})",
        f"libs:    {versions()}",
        f"load:    {load} (1/5/15 min, before the run)",
    ]


def table(rows: list[list[str]], right: set[int]) -> list[str]:
    """A plain-text table, first row as header; columns in `right` are right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Time every case and print the report; the exit status says whether all runs worked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=None, help=f"timed runs per case (default {DEFAULT_RUNS})"
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS} runs per case")
    args = parser.parse_args(argv)
    runs = args.runs if args.runs is not None else (QUICK_RUNS if args.quick else DEFAULT_RUNS)
    if runs < 1:
        parser.error("--runs must be at least 1")
    if not Path(DLTRACK).exists():
        parser.error(f"no dltrack script next to {PYTHON}; run from the dev virtualenv")

    print("\n".join(machine()))
    print(
        f"method:  {runs} timed fresh processes per case after 1 untimed warm-up; no shell,\n"
        "         output captured (pipe), COLUMNS=100, rounds interleaved, bytecode cached\n"
        "         (in a temp PYTHONPYCACHEPREFIX, as after a pip install)"
    )

    with tempfile.TemporaryDirectory(prefix="dltrack-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # A snapshot: data/seed.json may be edited while we run, and a changed
        # file would make a timed run re-sync instead of doing its command.
        real_seed = tmp / "seed-real.json"
        shutil.copyfile(REAL_SEED, real_seed)
        real = json.loads(real_seed.read_text(encoding="utf-8"))
        real_ids = first_track_ids(real)
        real_items = len(
            {
                i["id"]
                for t in real.get("tracks", [])
                for s in t["stages"]
                for i in s.get("items", [])
            }
        )

        big = generate_catalogue()
        big_seed = tmp / "seed-100k.json"
        big_seed.write_text(json.dumps(big, ensure_ascii=False), encoding="utf-8")
        big_ids = first_track_ids(big)

        names = {
            "real": f"real ({real_items} items)",
            "100k": f"generated ({len(big_ids) * len(big['tracks']):,} items)",
            "peer": "-",
        }
        print(
            f"catalogues: real = snapshot of {REAL_SEED} ({real_seed.stat().st_size:,} bytes); "
            f"generated = {big_seed.stat().st_size:,} bytes"
        )
        print()

        env = base_env(tmp / "pycache")
        # Untimed: compiles the modules on the create-and-sync path (pydantic, the
        # store's migrations) into the bytecode cache, so the first-run figures
        # below are the sync itself, as after a pip install, not our compiling.
        run_once([DLTRACK, "next"], dltrack_env(env, tmp / "prime.db", real_seed))

        first: list[tuple[str, float, str | None]] = []
        cases: list[Case] = [
            Case("peer", PYTHON_FLOOR, lambda _n: [PYTHON, "-c", "pass"], env),
            Case(
                "peer",
                UI_FLOOR,
                lambda _n: [PYTHON, "-c", "import typer, rich.console"],
                env,
            ),
        ]
        for key, seed, ids in (("real", real_seed, real_ids), ("100k", big_seed, big_ids)):
            if not ids:
                # An empty catalogue (data/seed.json before it is filled in): there
                # is nothing to show or mark, so every command fails by design.
                print(f"note: the {key} catalogue has no items; it is skipped")
                continue
            db_env = dltrack_env(env, tmp / f"{key}.db", seed)
            elapsed, error = first_run(db_env)
            first.append((key, elapsed, error))
            cases += dltrack_cases(key, db_env, ids, runs)

        total = len(cases) * (runs + 1)
        print(
            f"timing {len(cases)} cases x {runs + 1} runs = {total} processes ...", file=sys.stderr
        )
        for number in range(runs + 1):
            for case in cases:
                case.run(number, record=number > 0)

    floor_ms = peer_median(cases, PYTHON_FLOOR)
    ui_floor_ms = peer_median(cases, UI_FLOOR)

    print("first run (creates and syncs the DB):")
    for key, elapsed, error in first:
        print(f"  {names[key]:<28} {error or f'{elapsed:,.0f} ms'}")
    print()

    # "x python" is the ratio to a bare interpreter; "+UI ms" is what is left
    # after the typer/rich import floor, i.e. the part dltrack's own code controls.
    rows = [["catalogue", "command", "min ms", "median ms", "p90 ms", "x python", "+UI ms"]]
    for case in cases:
        if case.error is not None:
            rows.append([names[case.catalogue], case.label, "-", "FAILED", "-", "-", case.error])
            continue
        median = statistics.median(case.times)
        ratio = f"{median / floor_ms:.1f}" if floor_ms else "-"
        over = f"{median - ui_floor_ms:+.1f}" if ui_floor_ms else "-"
        rows.append(
            [
                names[case.catalogue],
                case.label,
                f"{min(case.times):.1f}",
                f"{median:.1f}",
                f"{p90(case.times):.1f}",
                ratio,
                over,
            ]
        )
    print("\n".join(table(rows, right={2, 3, 4, 5, 6})))
    print()

    print("targets (median of fresh runs):")
    for key, command, limit, inclusive in TARGETS:
        case = next((c for c in cases if c.catalogue == key and c.label == command), None)
        want = f"{'<=' if inclusive else '<'} {limit:.0f} ms"
        if case is None or not case.times:
            why = case.error if case is not None else "catalogue has no items"
            print(f"  n/a   {command} on {names[key]} {want}: {why}")
            continue
        median = statistics.median(case.times)
        ok = median <= limit if inclusive else median < limit
        print(f"  {'PASS' if ok else 'MISS'}  {command} on {names[key]} {want}: {median:.1f} ms")

    if busy := busy_note():
        print()
        print(busy)

    failed = any(c.error for c in cases) or any(e for _, _, e in first)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
