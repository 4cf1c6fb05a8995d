"""A URL's check in the middle of a redirect chain, as one process hands it to another.

When a run is split over processes (``shards``), each host is asked by one process
only, so that its per-host cap, pacing and pauses stay exact. A redirect to a host
another process owns ends the check here as a Handoff; the owner resumes it where it
stopped, with the same chain, attempts, retries and cookies, as if nothing happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dltrack.linkcheck.decisions import Hop

if TYPE_CHECKING:
    from http.cookiejar import Cookie  # with urllib.request and email: a run without cookies


@dataclass(frozen=True, slots=True)
class Resume:
    """Everything a check carries from one request to the next (see engine._check_url)."""

    target: str  # the next URL to ask
    target_text: str  # how the redirect spelt it (reported as the hop's URL)
    chain: tuple[Hop, ...]
    attempts: int
    retries_left: int
    use_get: bool
    head_status: int | None
    cookies: tuple[Cookie, ...] | None  # the chain's cookie jar, in a form pickle takes
    public_only: bool
    token: bool
    elapsed: float  # seconds spent on this URL so far


@dataclass(frozen=True, slots=True)
class Handoff:
    """A check that must go on in the process that owns its next host."""

    host: str
    resume: Resume
