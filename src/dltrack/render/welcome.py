"""What the first command on a new database says on stderr: where it is, and where to start.

On stderr, so that `dltrack next` in a script reads the same on the first run as later.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dltrack.learner.results import TrackList
from dltrack.text import safe


def welcome(db_path: Path, tracks: TrackList) -> None:
    """Say that a new progress database was made, list the tracks, suggest where to begin."""
    lines = [f"dltrack: made a new progress database: {db_path}"]
    if tracks.tracks:
        width = max(len(t.track.slug) for t in tracks.tracks)
        lines.append("Tracks:")
        for t in tracks.tracks:
            lines.append(f"  {t.track.slug:<{width}}  {t.counts.total:>4}  {safe(t.track.title)}")
        smallest = min(tracks.tracks, key=lambda t: (t.counts.total, t.position))
        lines.append(
            f"`dltrack next` starts with {tracks.current}; a short one to begin with: "
            f"dltrack use {smallest.track.slug}"
        )
    sys.stderr.write("".join(safe(line) + "\n" for line in lines))
    sys.stderr.flush()
