"""Start-up cost of everyday commands in instructions, not seconds: steady on a busy machine.

Wall-clock medians (bench/commands.py, bench/record.py) are the targets, but on a
machine whose speed drifts, or that is shared, a few milliseconds of start-up are
lost in the noise. valgrind's callgrind counts the instructions a process executes,
which is the same number for the same code and inputs whatever else the machine is
doing. This script counts them for `next`, `done ID` and `list` on a fresh database
of the packaged catalogue, and for the two floors the wall-clock benchmarks use
(`python -c pass` and `python -c "import typer, rich.console"`), and prints each
command's count and its ratio to the typer+rich floor.

    python bench/instructions.py          # needs valgrind (Debian: apt-get install valgrind)

Instructions are not time: a process also waits on the disk and on page faults,
which weigh the same for dltrack and the floor, so wall-clock ratios come out
smaller than these. Use it to compare two versions of the code, not as the target.
Bytecode is compiled once, untimed, into a temporary PYTHONPYCACHEPREFIX.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PYTHON = sys.executable
COLLECTED = re.compile(rb"Collected : ([0-9]+)")


def count(argv: list[str], env: dict[str, str]) -> int:
    """Instructions executed by one run of argv under callgrind."""
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env,
        capture_output=True,
        check=False,
    )
    found = COLLECTED.search(run.stderr)
    if run.returncode != 0 or found is None:
        sys.exit(f"failed: {' '.join(argv)}\n{run.stderr.decode(errors='replace')[-2000:]}")
    return int(found.group(1))


def main() -> int:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env |= {
            "DLTRACK_DB": str(Path(tmp, "dltrack.db")),
            "PYTHONPYCACHEPREFIX": str(Path(tmp, "pyc")),
            "NO_COLOR": "1",
        }
        dltrack = [PYTHON, "-m", "dltrack"]
        # The first run creates the database and compiles the bytecode: not counted.
        subprocess.run([*dltrack, "next"], env=env, capture_output=True, check=True)
        subprocess.run([*dltrack, "done", "1"], env=env, capture_output=True, check=True)
        subprocess.run([*dltrack, "reset", "1"], env=env, capture_output=True, check=True)
        floors = {
            "python -c pass": count([PYTHON, "-c", "pass"], env),
            "import typer, rich.console": count([PYTHON, "-c", "import typer, rich.console"], env),
        }
        commands: dict[str, int] = {"next": count([*dltrack, "next"], env)}
        commands["done 1"] = count([*dltrack, "done", "1"], env)
        subprocess.run([*dltrack, "reset", "1"], env=env, capture_output=True, check=True)
        commands["list"] = count([*dltrack, "list"], env)
    ui = floors["import typer, rich.console"]
    print(f"{'run':<28} {'instructions':>14} {'x typer+rich':>13}")
    for name, n in [*floors.items(), *commands.items()]:
        print(f"{name:<28} {n:>14,} {n / ui:>13.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
