"""What a link check concludes: the closed set of verdicts.

The learner's screens import this at start-up, so it holds only the verdicts; why no
server answered and the per-URL result record are in linkcheck.outcomes.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """The one word a URL gets; stored by callers, so the values never change."""

    OK = "ok"  # alive: 2xx, possibly after temporary redirects
    MOVED = "moved"  # alive behind a permanent redirect: the catalogue should be updated
    DEAD = "dead"  # gone for good: 404/410, unknown host, refused, redirect loop, soft 404
    BLOCKED = "blocked"  # the site refuses robots (401/403/429, captcha): inconclusive
    ERROR = "error"  # transient or unknown: timeout, 5xx, TLS failure, ...

    def fails(self, *, strict: bool) -> bool:
        """Whether this verdict fails a run: dead always; blocked and error when strict."""
        if self is Verdict.DEAD:
            return True
        return strict and self in (Verdict.BLOCKED, Verdict.ERROR)


# The verdicts that need a curator's attention, most urgent first: the order reports
# list them in.
PROBLEMS = (Verdict.DEAD, Verdict.MOVED, Verdict.BLOCKED, Verdict.ERROR)
