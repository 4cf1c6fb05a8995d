"""What the catalogue has on a topic, as `next` and `show` give it for an item with no link."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType

from dltrack.lang import tr
from dltrack.learner.ids import json_id, shown_id
from dltrack.learner.results import SearchHit
from dltrack.render.style import STATUS_COLOUR, glyph, text

_SHELL_SPECIAL = frozenset("'\"\\$`!*?&|;<>()[]{}#~")


def hit_data(h: SearchHit) -> dict[str, Any]:
    """One item on the topic as JSON: the same shape under `next` and `show`."""
    return {"id": json_id(h.id), "title": h.title, "url": h.url, "status": h.status}


def on_topic_lines(topic: str, hits: tuple[SearchHit, ...]) -> list[RenderableType]:
    """For an item with nothing to open: what the catalogue has to read on it."""
    if not hits:
        return [text(tr("Nothing to open, and no other item of the catalogue is on this yet."))]
    from dltrack.render.base import stdout

    out: list[RenderableType] = [text(tr("Nothing to open; on this in the catalogue:"))]
    console = stdout()
    for h in hits:
        line = text(f"  {glyph(h.status)} ", STATUS_COLOUR[h.status] or "")
        line.append(f"{shown_id(h.id)}  ", style="bold")
        if console.is_terminal:  # a long title hangs under itself; a pipe keeps it whole
            from dltrack.render.wrap import hanging

            line = hanging(line, text(h.title), console.width)
        else:
            line.append(text(h.title))
        out.append(line)
    from dltrack.learner.topics import mentions  # only for a topic
    from dltrack.text import same_title

    # search finds titles that hold the topic's own name, not its synonyms: the hint
    # is given only when that name found something.
    if not any(mentions(same_title(h.title), same_title(topic)) for h in hits):
        return out
    words = topic
    if any(c.isspace() or c in _SHELL_SPECIAL for c in topic):  # 卷积 stays as typed
        import shlex  # only this hint needs it

        words = shlex.quote(topic)
    more = tr("(more on it: dltrack search {words})").format(words=words)
    out.append(text(more, "dim"))
    return out
