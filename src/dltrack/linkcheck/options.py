"""The settings of a link-check run, checked when they are made."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


# URLs from which a blocking run is split over processes (see shards): a smaller run
# is not bound by one CPU, and forking costs a little.
PARALLEL_MIN = 2000


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """Tuning knobs of a run; the defaults suit a catalogue of a few thousand links."""

    concurrency: int = 128  # requests in flight overall (lychee's default, too)
    per_host: int = 8  # requests in flight per host name
    min_interval: float = 0.0  # seconds between request starts on one host
    timeout: float = 10.0  # per request: connect, then headers, then the capped body
    retries: int = 2  # extra tries for 429, 5xx, timeouts and resets
    # Wait before the second retry in seconds (before the first for a bare 429),
    # doubled for each later one, with jitter; see retry_delay. Short, because a 503
    # from a busy server is usually gone a moment later; a server that wants a longer
    # pause says so with Retry-After, which is honoured instead.
    backoff: float = 0.2
    backoff_max: float = 8.0
    retry_after_cap: float = 60.0  # longer Retry-After: pause that long, then give up the URL
    max_redirects: int = 10
    body_cap: int = 256 * 1024  # bytes of a page read for the content rules
    # GET by default, as lychee does: a HEAD that does not say "alive" needs a confirming
    # GET anyway (servers often refuse or 404 a HEAD), and a GET whose body is not
    # needed is cut short (see _drain_small). True: HEAD first, unless the host has
    # content rules or has answered HEAD differently from GET.
    head_first: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    accept_language: str = "zh-CN,zh;q=0.9,en;q=0.8"
    host_give_up: int = 3  # consecutive identical host-level failures before skipping a host
    unreachable_min_hosts: int = 3
    unreachable_ratio: float = 0.9
    trust_env: bool = True  # HTTP(S)_PROXY, NO_PROXY, SSL_CERT_FILE, ...
    # Follow a redirect from a public address into a private, loopback or link-local
    # one. Off: such a page could make a report show what only this machine can see.
    allow_private_redirects: bool = False
    # Sent as "Authorization: Bearer ..." to GitHub's own hosts over https only (see
    # http.client.sends_token). Kept out of repr: an options object may be logged.
    github_token: str | None = field(default=None, repr=False)
    # Processes a blocking check_links run may use: 0 picks by the run's size and the
    # CPUs (see shards.processes_for), 1 checks in this process.
    processes: int = 0

    def __post_init__(self) -> None:
        for name in ("timeout", "min_interval", "backoff", "backoff_max", "retry_after_cap"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"{name} must be a finite number of seconds")
        positive = ("concurrency", "per_host", "timeout", "max_redirects", "unreachable_min_hosts")
        for name in positive:
            if getattr(self, name) <= 0 and name != "max_redirects":
                raise ValueError(f"{name} must be positive")
        for name in ("min_interval", "retries", "backoff", "backoff_max", "retry_after_cap"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if min(self.max_redirects, self.body_cap, self.host_give_up, self.processes) < 0:
            raise ValueError(
                "max_redirects, body_cap, host_give_up and processes must not be negative"
            )
        if not 0 < self.unreachable_ratio <= 1:
            raise ValueError("unreachable_ratio must be in (0, 1]")
        for name in ("user_agent", "accept_language", "github_token"):
            value = getattr(self, name)
            if value is None:
                continue
            if not value.isascii() or not value.isprintable():
                raise ValueError(f"{name} must be printable ASCII (it is sent as a header)")
