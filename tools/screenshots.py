"""Make the README's screenshots of `next` and `progress` from the real program.

Runs dltrack on a fresh database in a temporary directory (the packaged catalogue, a
few weeks of backdated reading so that the calendar has something to show), as a
256-colour terminal of 100 columns in Chinese, feeds its output through the pyte
terminal emulator and draws the emulator's screen as SVG: one <text> per run of
characters of one colour, wide characters given two cells. Needs the test extras
(pyte):

    python tools/screenshots.py            # writes docs/screenshots/*.svg
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pyte

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
COLUMNS = 100
CELL_W, CELL_H = 9, 19
PALETTE = {
    "default": "#d8d8d8",
    "black": "#3b3b3b",
    "red": "#ef6b6b",
    "green": "#7ccf6b",
    "yellow": "#e5c07b",
    "blue": "#61afef",
    "magenta": "#c678dd",
    "cyan": "#56b6c2",
    "white": "#f0f0f0",
}


def dltrack(env: dict[str, str], *args: str) -> str:
    """The output of one dltrack command."""
    done = subprocess.run(
        [sys.executable, "-m", "dltrack", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"dltrack {' '.join(args)}: {done.stderr}")
    return done.stdout


def svg(output: str, title: str) -> str:
    """The screen pyte shows for output, as an SVG document."""
    lines = output.rstrip("\n").split("\n")
    # Room for every line and for the terminal's wrapping of long ones (a URL).
    screen = pyte.Screen(COLUMNS, 4 * len(lines))
    pyte.Stream(screen).feed("\r\n".join(lines))
    used = 1 + max(y for y in range(screen.lines) if "".join(screen.display[y]).strip())
    parts = []
    for y in range(used):
        row = screen.buffer[y]
        x = 0
        while x < screen.columns:
            char = row[x]
            if not char.data.strip():
                x += 1
                continue
            colour = PALETTE.get(char.fg, f"#{char.fg}" if len(char.fg) == 6 else "#d8d8d8")
            weight = ' font-weight="bold"' if char.bold else ""
            parts.append(
                f'<text x="{12 + x * CELL_W}" y="{28 + (y + 1) * CELL_H}" fill="{colour}"'
                f"{weight}>{escape(char.data)}</text>"
            )
            x += 1
    width, height = 24 + COLUMNS * CELL_W, 40 + (used + 1) * CELL_H
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="Sarasa Mono SC, Noto Sans Mono CJK SC, monospace" font-size="15">\n'
        f'<rect width="100%" height="100%" rx="8" fill="#1e1f22"/>\n'
        f'<text x="12" y="22" fill="#8a8a8a" font-size="13">{escape(title)}</text>\n'
        + "\n".join(parts)
        + "\n</svg>\n"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        env = {
            **os.environ,
            "DLTRACK_DB": str(Path(work) / "dltrack.db"),
            "DLTRACK_LANG": "zh",
            "COLUMNS": str(COLUMNS),
            "FORCE_COLOR": "1",
            "TERM": "xterm-256color",
            "FORCE_HYPERLINK": "0",
        }
        env.pop("DLTRACK_SEED", None)
        env.pop("NO_COLOR", None)
        today = date.today()
        for n in range(1, 30):  # four weeks of reading, one to three a day
            day = today - timedelta(days=30 - n)
            if day.weekday() != 6:
                dltrack(env, "done", str(n), "--date", day.isoformat())
        dltrack(env, "start", "30")
        OUT.mkdir(parents=True, exist_ok=True)
        shots = {"next": ("next", "-n", "2"), "progress": ("progress", "-t", "1")}
        for name, args in shots.items():
            shown = svg(dltrack(env, *args), f"$ dltrack {' '.join(args)}")
            (OUT / f"{name}.svg").write_text(shown, encoding="utf-8")
            print(f"wrote {OUT / name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
