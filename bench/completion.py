"""What a Tab costs, and what a normal run pays for completion being there.

Times FRESH processes (one subprocess per run, as a shell runs them), interleaved in
rounds so background load hits every case alike:

* the floor: `python -c "import typer, rich.console"` (no CLI on them starts faster);
* `dltrack next` and `dltrack list`, the everyday commands;
* bash's completion requests, exactly as the script from `dltrack --show-completion
  bash` sends them: a track slug (`dltrack use zh`), item ids (`dltrack done `), a
  command name (`dltrack li`, which builds no command: stand-ins are enough);
* zsh's, which also carry descriptions: item titles, and the commands' help (read
  from the source of the command modules, not imported).

With --baseline SRC (the `src` directory of another checkout, e.g. one made with
`git worktree add`), `next` and `list` are timed from it too, with PYTHONPATH, in the
same rounds: the before and after of a change, under the same load.

    python bench/completion.py               # 15 runs per case
    python bench/completion.py --quick       # 5 runs
    python bench/completion.py --baseline ../base/src

Medians and ratios to the floor are printed; on a loaded machine compare ratios.
Everything goes in a temporary directory; the caller's database is never used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "seed.json"
PYTHON = sys.executable


def _time(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, timeout=120)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {argv}: {done.stderr.decode(errors='replace')[-500:]}")
    return took * 1000


def _completion_env(env: dict[str, str], line: str, shell: str = "bash") -> dict[str, str]:
    if shell == "zsh":  # as the script of `--show-completion` in zsh asks
        return {**env, "_DLTRACK_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}
    words = line.split(" ")
    return {
        **env,
        "_DLTRACK_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5 runs per case")
    parser.add_argument("--baseline", type=Path, help="src directory of a checkout to compare")
    options = parser.parse_args()
    runs = 5 if options.quick else options.runs
    work = Path(tempfile.mkdtemp(prefix="dltrack-bench-completion-"))
    try:
        seed = work / "seed.json"
        shutil.copy(SEED, seed)
        env = {
            **os.environ,
            "DLTRACK_DB": str(work / "dltrack.db"),
            "DLTRACK_SEED": str(seed),
            "COLUMNS": "100",
            "PYTHONPYCACHEPREFIX": str(work / "pycache"),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        dltrack = [PYTHON, "-m", "dltrack"]
        cases: dict[str, tuple[list[str], dict[str, str]]] = {
            "floor: import typer, rich.console": (
                [PYTHON, "-c", "import typer, rich.console"],
                env,
            ),
            "next": ([*dltrack, "next"], env),
            "list": ([*dltrack, "list"], env),
            "Tab: dltrack use zh": (dltrack, _completion_env(env, "dltrack use zh")),
            "Tab: dltrack done ": (dltrack, _completion_env(env, "dltrack done ")),
            "Tab: dltrack li": (dltrack, _completion_env(env, "dltrack li")),
            # zsh shows a description beside each word: titles, the commands' help.
            "Tab (zsh): dltrack done ": (dltrack, _completion_env(env, "dltrack done ", "zsh")),
            "Tab (zsh): dltrack li": (dltrack, _completion_env(env, "dltrack li", "zsh")),
        }
        if options.baseline is not None:
            base_env = {**env, "PYTHONPATH": str(options.baseline.resolve())}
            cases["next (baseline)"] = ([*dltrack, "next"], base_env)
            cases["list (baseline)"] = ([*dltrack, "list"], base_env)
        _time([*dltrack, "next"], env)  # creates and syncs the database: once per install
        for argv, case_env in cases.values():  # warm the bytecode caches
            _time(argv, case_env)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(runs):
            for name, (argv, case_env) in cases.items():
                times[name].append(_time(argv, case_env))
        floor = statistics.median(times["floor: import typer, rich.console"])
        load = os.getloadavg()[0]
        print(f"{runs} runs per case; load average {load:.1f} on {os.cpu_count()} CPUs")
        print(f"{'case':<36} {'median ms':>10} {'min ms':>8} {'x floor':>8}")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:<36} {median:>10.1f} {min(values):>8.1f} {median / floor:>8.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
