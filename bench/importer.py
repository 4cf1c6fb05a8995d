"""Import speed of `dltrack import --dry-run` as documents grow: is it linear?

What it measures: the wall time of a FRESH `dltrack import FILE --track t --catalogue
CAT --dry-run` process (one subprocess per run, no shell, output to a file) on
generated documents of growing size, x4 per step (64 KB, 256 KB, 1 MB, 4 MB), for

* each pathological generator: a document of one hostile shape (a long run of `=` in
  a link text, a heading padded with spaces, nested brackets, unclosed HTML tags,
  ...), the shapes that once made the importer quadratic, and
* a realistic reading list: Markdown lists of links under headings, Chinese and
  English titles, some book titles and notes; with --big also at 50 MB (about
  730,000 links).

For every size it prints the median of --runs runs, the ratio time(4x)/time(x) (about
4 means linear, about 16 quadratic), the peak RSS of the child (os.wait4's rusage of
that very process) and whether the output was right (the exit status and a line the
command must print). Beside the command, the reading list is also timed through
`extract_report` alone (a fresh `python -c` that reads the file and extracts it), to
show the importer library's share; `python -c pass` is timed as the floor. The peak
RSS comes from GNU time (/usr/bin/time) when it is installed, otherwise from os.wait4
(which then counts this script's own memory too, and says so).

Targets: every 1 MB input under 2 s (median); with --big, the 50 MB reading list
under 60 s. A run that passes --timeout is killed and reported as such; the larger
sizes of that generator are then skipped (they would only take longer).

All files (documents, catalogue, database, bytecode cache) go in a temporary
directory, removed afterwards; the caller's DLTRACK_DB and DLTRACK_SEED are never
used. PYTHONDONTWRITEBYTECODE is dropped and bytecode goes to a temporary
PYTHONPYCACHEPREFIX, as after a pip install. PYTHONPATH is passed through, so an
older copy of the sources can be timed the same way (PYTHONPATH=/tmp/old/src).

Run it from the dev virtualenv (it uses the `dltrack` script next to the Python
running it):

    python bench/importer.py                 # 3 runs per size
    python bench/importer.py --big           # and the 50 MB reading list
    python bench/importer.py --only list --runs 5
    python bench/importer.py --max-size 1M   # stop at 1 MB

Exit status: 0 when every run gave the right output (a missed target or a timeout is
a finding, not a crash), 1 when a command failed or printed something wrong.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# The same plain-text table as the start-up benchmark (this directory is on sys.path
# when a script in it runs).
from commands import table

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "tests" / "fixtures" / "curator" / "catalogue.json"
PYTHON = sys.executable
DLTRACK = str(Path(sys.executable).parent / "dltrack")
# GNU time reports the peak RSS of the command alone. A process started straight from
# this one would not: Linux counts the memory of the process it was forked from (this
# script, which holds the generated documents) in the child's peak.
GNU_TIME = "/usr/bin/time"

KB = 1024
MB = 1024 * KB
SIZES = [64 * KB, 256 * KB, 1 * MB, 4 * MB]
BIG = 50 * MB
TARGET_1MB_S = 2.0
TARGET_BIG_S = 60.0
LINK = "[x](https://example.org/a)"
URL = "https://example.org/a"

# ---------------------------------------------------------------- documents


def _repeat(unit: str, size: int, head: str = "", tail: str = "") -> str:
    """head + unit repeated to about size bytes (UTF-8) + tail."""
    room = max(size - len((head + tail).encode()), 0)
    return head + unit * max(room // max(len(unit.encode()), 1), 1) + tail


@dataclass(frozen=True)
class Shape:
    """One document generator and what a right answer looks like."""

    key: str
    label: str
    make: Callable[[int], str]
    expect: str = URL  # a line of the dry run's output must contain this


def _links(size: int) -> str:
    lines, n, total = ["# Stage\n\n"], 0, 10
    while total < size:
        line = f"- [Item {n}](https://example.org/p/{n})\n"
        lines.append(line)
        total += len(line)
        n += 1
    return "".join(lines)


def _references(size: int) -> str:
    items, refs, n, total = [], [], 0, 10
    while total < size:
        item, ref = f"- [Item {n}][r{n}]\n", f"[r{n}]: https://example.org/r/{n}\n"
        items.append(item)
        refs.append(ref)
        total += len(item) + len(ref)
        n += 1
    return "# Stage\n\n" + "".join(items) + "\n" + "".join(refs)


def _nested(size: int) -> str:
    half = max(size // 2 - 20, 1)
    return "[" * half + "]" * half + "\n\n" + LINK + "\n"


PATHOLOGICAL = [
    Shape("equals", "[ + '=' x N + x](url)", lambda s: "[" + "=" * (s - 30) + "x](" + URL + ")\n"),
    Shape("heading", "# a + N spaces + b", lambda s: "# a" + " " * (s - 40) + "b\n\n" + LINK),
    Shape("pipes", "N '|' then a link, one line", lambda s: "|" * (s - 30) + LINK + "\n"),
    Shape("pipes-spaced", "'| ' x N, a link first", lambda s: _repeat("| ", s, LINK + "\n\n", "x")),
    Shape("brackets", "'[' x N + ']' x N", _nested),
    Shape("links", "links in one stage", _links, "new items"),
    Shape("references", "reference links in one stage", _references, "new items"),
    Shape("destinations", "'[a](' x N, unclosed", lambda s: _repeat("[a](", s, LINK + " ")),
    Shape("titles", "'[a](b (' x N, unclosed titles", lambda s: _repeat("[a](b (", s, LINK + " ")),
    Shape("backticks", "'`x` ' x N, one line", lambda s: _repeat("`x` ", s, LINK + " ")),
    Shape("quotes", "'>' x N, then a link", lambda s: _repeat(">", s, "", " " + LINK + "\n")),
    Shape("html-attrs", "'<a x=\">\" ' x N, no end", lambda s: _repeat('<a x=">" ', s, LINK)),
    Shape("html-tags", "'<a ' x N, no '>'", lambda s: _repeat("<a ", s, LINK + " <p>")),
    Shape("html-comments", "'<!-- ' x N, unclosed", lambda s: _repeat("<!-- ", s, LINK + " <p>")),
    Shape(
        "html-nested-links",
        "'<a href>' x N + x + '</a>' x N",
        lambda s: (
            _repeat(f'<a href="{URL}">', s // 2, "<p>")
            + "x"
            + "</a>" * (s // 2 // len(f'<a href="{URL}">'))
        ),
    ),
    Shape(
        "html-open-elements",
        "'<div>' x N + '</p>' x N",
        lambda s: _repeat("<div>", s // 2, LINK + "\n<p>") + "</p>" * (s // 2 // 4),
    ),
    Shape(
        "html-bold",
        "'<b> ' x N + '</b>' x N",
        lambda s: _repeat("<b> ", s // 2, LINK + "\n<p>") + "</b>" * (s // 2 // 4),
    ),
    Shape(
        "footer",
        "a long footer heading, links under it",
        lambda s: (
            LINK
            + "\n\n## 写下你的评论"
            + "x" * (s // 2)
            + "\n\n"
            + _repeat("- [c](https://example.org/c)\n", s // 2)
        ),
    ),
]

# ---------------------------------------------------------------- a realistic reading list

_ZH = ["卷积网络", "注意力", "反向传播", "梯度下降", "扩散模型", "强化学习", "知识蒸馏", "图网络"]
_ZH += ["位置编码", "对比学习", "目标检测", "语义分割", "词向量", "正则化", "优化器", "量化"]
_EN = ["Transformer", "ResNet", "BERT", "PyTorch", "LoRA", "Adam", "ViT", "GPT-2", "CLIP"]
_EN += ["RLHF", "U-Net", "JAX", "word2vec", "Attention", "Dropout", "BatchNorm"]
_FORMS = ["{zh}详解", "{en} 精读", "{zh}与 {en}", "{en}: {zh}", "{zh}入门", "Intro to {en}"]
_FORMS += ["{en} notes", "{zh}笔记 {n}", "Understanding {en}", "{zh}（{en}）"]
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789"


def _url(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"https://arxiv.org/abs/{rng.randint(1500, 2512)}.{rng.randint(0, 99999):05d}"
    if kind == 1:
        return f"https://github.com/u{rng.randint(1, 999)}/r{rng.randint(1, 99)}"
    if kind == 2:
        return f"https://zhuanlan.zhihu.com/p/{rng.randint(10**8, 10**9 - 1)}"
    if kind == 3:
        return f"https://blog.csdn.net/a/article/details/{rng.randint(10**7, 10**8 - 1)}"
    if kind == 4:
        return "https://www.bilibili.com/video/BV1" + "".join(rng.choices(_ALNUM, k=9))
    return "https://mp.weixin.qq.com/s/" + "".join(rng.choices(_ALNUM, k=12))


def reading_list(size: int) -> str:
    """A Markdown reading list of about size bytes; seeded, so the same on every run."""
    rng = random.Random(size)
    parts = ["---\ntitle: 深度学习阅读清单 Deep Learning Reading List\n---\n\n# 阅读清单\n\n"]
    total = len(parts[0].encode())
    stage = 0
    while total < size:
        stage += 1
        lines = [f"\n## 第{stage}部分：{rng.choice(_ZH)} ({rng.choice(_EN)})\n\n"]
        if stage % 5 == 0:
            lines.append(f"本部分参考《{rng.choice(_ZH)}》一书，先读论文再看代码。\n\n")
        for _ in range(rng.randint(20, 60)):
            title = rng.choice(_FORMS).format(
                zh=rng.choice(_ZH), en=rng.choice(_EN), n=rng.randint(1, 9)
            )
            note = f" - {rng.choice(_ZH)}" if rng.random() < 0.5 else ""
            lines.append(f"- [{title}]({_url(rng)}){note}\n")
        chunk = "".join(lines)
        parts.append(chunk)
        total += len(chunk.encode())
    return "".join(parts)


def count_links(text: str) -> int:
    """Links in a generated reading list (one per list item)."""
    return text.count("\n- [")


# ---------------------------------------------------------------- running and timing


def base_env(tmp: Path) -> dict[str, str]:
    """The caller's environment minus what would change what dltrack does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLTRACK_")}
    for name in ("PYTHONPROFILEIMPORTTIME", "PYTHONTRACEMALLOC", "PYTHONDEVMODE"):
        env.pop(name, None)
    # Without this an editable install recompiles dltrack on every run: not what a
    # pip-installed user sees.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    env["DLTRACK_DB"] = str(tmp / "dltrack.db")
    env["DLTRACK_SEED"] = str(tmp / "catalogue.json")
    env["COLUMNS"] = "100"
    return env


@dataclass
class Run:
    """One fresh process: wall seconds, peak RSS (MB), exit status, output file."""

    seconds: float
    rss_mb: float
    code: int | None  # None: killed after the timeout
    out: Path


def run_once(argv: list[str], env: dict[str, str], out: Path, timeout: float) -> Run:
    """Run argv once: wall time, peak RSS (MB) and exit status; killed after timeout."""
    rss_file = out.with_suffix(".rss")
    timed = Path(GNU_TIME).exists()
    if timed:
        argv = [GNU_TIME, "-o", str(rss_file), "-f", "%M", *argv]
    with open(out, "wb") as sink:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink,
            start_new_session=True,  # a timeout kills GNU time and the command alike
        )  # fmt: skip
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            os.killpg(child.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    code = None if killed.is_set() else child.returncode
    rss = -1.0
    if timed and code is not None:
        text = rss_file.read_text().strip().splitlines()
        rss = int(text[-1]) / KB if text and text[-1].isdigit() else -1.0
    elif not timed:
        # os.wait4's figure (KB on Linux, bytes on macOS), this script's memory included.
        rss = usage.ru_maxrss * (1 if platform.system() == "Darwin" else KB) / MB
    rss_file.unlink(missing_ok=True)
    return Run(elapsed, rss, code, out)


@dataclass
class Row:
    """One generator at one size: its runs and what went wrong, if anything."""

    label: str
    size: int
    runs: list[Run] = field(default_factory=list)
    problem: str | None = None
    timed_out: bool = False
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.runs else None

    @property
    def rss(self) -> float | None:
        known = [r.rss_mb for r in self.runs if r.rss_mb >= 0]
        return max(known) if known else None


def check(run: Run, expect: str, code: int) -> str | None:
    """Why a run's output is wrong, or None when it is right."""
    text = run.out.read_text(encoding="utf-8", errors="replace")
    if run.code != code:
        last = text.strip().splitlines()[-1:] or ["(no output)"]
        return f"exit {run.code}: {last[0][:60]}"
    if expect not in text:
        return f"output lacks {expect!r}"
    return None


def measure(
    label: str,
    argv: list[str],
    env: dict[str, str],
    out: Path,
    *,
    size: int,
    runs: int,
    timeout: float,
    expect: str,
    code: int = 0,
) -> Row:
    """--runs fresh runs of one command; stops at the first timeout or wrong output."""
    row = Row(label, size)
    for _ in range(runs):
        result = run_once(argv, env, out, timeout)
        if result.code is None:
            row.timed_out = True
            row.problem = f"timeout > {timeout:.0f} s"
            break
        row.problem = check(result, expect, code)
        row.runs.append(result)
        if row.problem:
            break
    out.unlink(missing_ok=True)
    return row


def human(size: int) -> str:
    """64K, 1M, 50M."""
    return f"{size // MB}M" if size >= MB else f"{size // KB}K"


def parse_size(text: str) -> int:
    """'256K' or '4M' as bytes."""
    unit = {"K": KB, "M": MB}.get(text[-1:].upper())
    return int(text[:-1]) * unit if unit else int(text)


def render(rows: list[Row], floor: float) -> list[str]:
    """The growth table: one line per generator and size, ratio to the size before."""
    out = [["document", "size", "median s", "x4 ratio", "- floor s", "peak RSS MB", "result"]]
    previous: dict[str, float] = {}
    for row in rows:
        median = row.median
        ratio = "-"
        if median is not None and row.label in previous and not row.problem:
            ratio = f"{median / previous[row.label]:.1f}"
        if median is not None and not row.problem:
            previous[row.label] = median
        out.append(
            [
                row.label,
                human(row.size),
                f"{median:.2f}" if median is not None and not row.timed_out else "-",
                ratio,
                f"{median - floor:.2f}" if median is not None and not row.timed_out else "-",
                f"{row.rss:.0f}" if row.rss is not None else "-",
                (row.problem or "ok") + (f" ({row.note})" if row.note else ""),
            ]
        )
    return table(out, right={2, 3, 4, 5})


_EXTRACT_ONLY = (
    "import sys; from pathlib import Path; "
    "from dltrack.importer import ExtractOptions; "
    "from dltrack.importer.extract import extract_report; "
    "r = extract_report(Path(sys.argv[1]).read_text(encoding='utf-8'), "
    "ExtractOptions(books=True, bare_urls=True)); "
    "print(sum(len(s.items) for s in r.sections), 'items')"
)


def main(argv: list[str] | None = None) -> int:
    """Time every generator at every size and print the growth table and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh runs per size (default 3)")
    parser.add_argument("--big", action="store_true", help="also the 50 MB reading list")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds before a run is killed (default 60)"
    )
    parser.add_argument("--max-size", type=parse_size, default=SIZES[-1], help="e.g. 1M")
    parser.add_argument(
        "--only", action="append", default=[], help="generator keys ('list' for the reading list)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not Path(DLTRACK).exists():
        parser.error(f"no dltrack script next to {PYTHON}; run from the dev virtualenv")
    known = {s.key for s in PATHOLOGICAL} | {"list"}
    if unknown := set(args.only) - known:
        parser.error(f"unknown generator {sorted(unknown)}; known: {', '.join(sorted(known))}")
    sizes = [s for s in SIZES if s <= args.max_size]
    shapes = [s for s in PATHOLOGICAL if not args.only or s.key in args.only]

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()}, load {load}")
    print(f"python:  {platform.python_version()} ({PYTHON})")
    if os.environ.get("PYTHONPATH"):
        print(f"sources: PYTHONPATH={os.environ['PYTHONPATH']}")
    print(f"method:  median of {args.runs} fresh processes per size, output to a file; timeout")
    rss_by = "GNU time" if Path(GNU_TIME).exists() else "os.wait4, this script's memory included"
    print(f"         {args.timeout:.0f} s per run; sizes x4; peak RSS by {rss_by}")
    print()

    failed = False
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="dltrack-bench-import-") as tmp_name:
        tmp = Path(tmp_name)
        catalogue = tmp / "catalogue.json"
        shutil.copyfile(CATALOGUE, catalogue)
        env = base_env(tmp)
        out = tmp / "out.txt"
        doc = tmp / "doc.md"

        def command(path: Path) -> list[str]:
            return [DLTRACK, "import", str(path), "--track", "t", "--catalogue", str(catalogue)]

        # Untimed: fills the bytecode cache, so every timed run starts as after an install.
        doc.write_text(LINK + "\n", encoding="utf-8")
        run_once([*command(doc), "--dry-run"], env, out, args.timeout)
        floor_row = measure(
            "python -c pass", [PYTHON, "-c", "pass"], env, out,
            size=0, runs=max(args.runs, 5), timeout=args.timeout, expect="",
        )  # fmt: skip
        floor = floor_row.median or 0.0
        print(f"floor:   python -c pass {floor:.3f} s (median of {len(floor_row.runs)})")
        print(file=sys.stderr)

        plan: list[tuple[str, str, Callable[[int], str], str, list[int]]] = [
            (s.key, s.label, s.make, s.expect, sizes) for s in shapes
        ]
        if not args.only or "list" in args.only:
            list_sizes = sizes + ([BIG] if args.big else [])
            plan.append(("list", "reading list", reading_list, "new items", list_sizes))
        for key, label, make, expect, plan_sizes in plan:
            stopped = False
            for size in plan_sizes:
                if stopped:
                    rows.append(Row(label, size, problem="skipped (smaller size timed out)"))
                    continue
                text = make(size)
                doc.write_text(text, encoding="utf-8")
                real = doc.stat().st_size
                print(f"  {label} {human(size)} ({real:,} bytes) ...", file=sys.stderr)
                # The 50 MB list is expected to take about a minute: let it finish.
                limit = max(args.timeout, 900.0) if size == BIG else args.timeout
                row = measure(
                    label, [*command(doc), "--dry-run"], env, out,
                    size=size, runs=args.runs, timeout=limit, expect=expect,
                )  # fmt: skip
                if key == "list":
                    row.note = f"{count_links(text):,} links"
                rows.append(row)
                failed = failed or (row.problem is not None and not row.timed_out)
                stopped = row.timed_out
                if key == "list" and not stopped:
                    alone = [PYTHON, "-c", _EXTRACT_ONLY, str(doc)]
                    lib = measure(
                        "reading list: extract_report alone", alone, env, out,
                        size=size, runs=args.runs, timeout=limit, expect="items",
                    )  # fmt: skip
                    rows.append(lib)
                    failed = failed or (lib.problem is not None and not lib.timed_out)
            doc.unlink(missing_ok=True)

    order = {label: n for n, label in enumerate(dict.fromkeys(r.label for r in rows))}
    rows.sort(key=lambda r: (order[r.label], r.size))
    print("\n".join(render(rows, floor)))
    print()

    print("targets (median of fresh runs, the whole command):")
    for row in rows:
        if row.size == 1 * MB and not row.label.startswith("reading list:"):
            median = row.median
            ok = median is not None and not row.timed_out and median < TARGET_1MB_S
            shown = f"{median:.2f} s" if median is not None and not row.timed_out else row.problem
            print(
                f"  {'PASS' if ok else 'MISS'}  {row.label}, 1 MB < {TARGET_1MB_S:.0f} s: {shown}"
            )
    if args.big:
        row = next((r for r in rows if r.label == "reading list" and r.size == BIG), None)
        median = row.median if row is not None else None
        ok = row is not None and median is not None and not row.timed_out and median < TARGET_BIG_S
        shown = f"{median:.1f} s" if median is not None and row and not row.timed_out else "-"
        print(f"  {'PASS' if ok else 'MISS'}  reading list, 50 MB < {TARGET_BIG_S:.0f} s: {shown}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"\n(children's CPU in all: {usage.ru_utime + usage.ru_stime:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
