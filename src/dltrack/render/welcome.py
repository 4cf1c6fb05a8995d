"""What the first command on a new database says on stderr: where it is, and where to start.

On stderr, so that `dltrack next` in a script reads the same on the first run as later.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dltrack.lang import tr
from dltrack.learner.results import TrackList
from dltrack.text import safe


def welcome(db_path: Path, tracks: TrackList) -> None:
    """Say that a new progress database was made, list the tracks, suggest where to begin."""
    lines = ["dltrack: " + tr("made a new progress database: {path}").format(path=db_path)]
    if tracks.tracks:
        width = max(len(t.track.slug) for t in tracks.tracks)
        lines.append(tr("Tracks:"))
        for t in tracks.tracks:
            lines.append(f"  {t.track.slug:<{width}}  {t.counts.total:>4}  {safe(t.track.title)}")
        smallest = min(tracks.tracks, key=lambda t: (t.counts.total, t.position))
        said = tr(
            "`dltrack next` starts with {current}; a short one to begin with: dltrack use {slug}"
        )
        lines.append(said.format(current=tracks.current, slug=smallest.track.slug))
    sys.stderr.write("".join(safe(line) + "\n" for line in lines))
    sys.stderr.flush()
