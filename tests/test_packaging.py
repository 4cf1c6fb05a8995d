"""The wheel carries the catalogue, so a non-editable install finds it from any directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_wheel_ships_the_catalogue(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("dltrack-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "dltrack/data/seed.json" in names
        assert archive.read("dltrack/data/seed.json") == (ROOT / "data" / "seed.json").read_bytes()
        # The Chinese interface is a module of the package: a plain install has it.
        for part in ("zh_learner", "zh_curator", "zh_click", "matching"):
            assert f"dltrack/lang/{part}.py" in names
        assert "dltrack/cli/__init__.py" in names
        # The table of topic synonyms that `next` and `show` look for reading by.
        assert "dltrack/learner/synonyms.py" in names
        # The seed builder is a maintainer's tool: it stays in the repository.
        assert not [n for n in names if "seedbuild" in n or "seedrules" in n]
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "dltrack = dltrack.__main__:main" in archive.read(entry_points).decode()
