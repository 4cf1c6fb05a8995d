"""Per-host politeness: how many requests in flight, how far apart, which answers are fine.

Beside the content rules of ``link_rules``, a rule may say for its host pattern:
``per_host`` (requests in flight), ``min_interval`` (seconds between request starts),
``accept`` (statuses that count as ok there) and ``exclude`` (URL patterns, with ``*``
for any text, not to check at all). The caller's rules come first, then the built-in
ones; for each setting the first rule that sets it decides.

Built in: WeChat throttles a third request in a row from one address and then
answers with a verification page for a while, and Zhihu does much the same; both
get at most two requests in flight, a second apart. A rule of the catalogue's own
for the host overrides that.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dltrack.linkcheck.rules import ContentRule


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """What one host pattern's rule says about politeness (None: it says nothing)."""

    host: str
    per_host: int | None = None
    min_interval: float | None = None
    accept: tuple[int, ...] = ()
    exclude: tuple[str, ...] = ()

    def applies_to(self, host: str) -> bool:
        """Host patterns as the content rules have them (``*.example.org``: the site)."""
        return ContentRule(self.host).applies_to(host)

    @classmethod
    def of(cls, rule: Mapping[str, Any]) -> HostPolicy:
        """A policy from a link_rules entry (its content-rule keys are ignored here)."""
        return cls(
            host=str(rule["host"]).lower(),
            per_host=rule.get("per_host"),
            min_interval=rule.get("min_interval"),
            accept=tuple(rule.get("accept") or ()),
            exclude=tuple(rule.get("exclude") or ()),
        )


BUILTIN_POLICIES: tuple[HostPolicy, ...] = (
    HostPolicy("mp.weixin.qq.com", per_host=2, min_interval=1.0),
    HostPolicy("*.zhihu.com", per_host=2, min_interval=1.0),
)


@dataclass(frozen=True, slots=True)
class Effective:
    """The settings in force for one host."""

    per_host: int
    min_interval: float
    accept: frozenset[int]


class Policies:
    """The host policies of a run: the caller's, then the built-ins."""

    __slots__ = ("_cache", "_exclude", "learned", "policies")

    def __init__(
        self,
        rules: Iterable[Mapping[str, Any] | HostPolicy] = (),
        learned: Mapping[str, tuple[int, float]] | None = None,
    ) -> None:
        own = tuple(r if isinstance(r, HostPolicy) else HostPolicy.of(r) for r in rules)
        self.policies = own + BUILTIN_POLICIES
        # Limits learnt from earlier runs (host -> in flight, interval): a host that
        # throttled us starts gentler than any rule says.
        self.learned = dict(learned or {})
        self._cache: dict[tuple[str, int, float], Effective] = {}
        self._exclude = [p for p in self.policies if p.exclude]

    def widest(self) -> int:
        """The largest per_host any rule sets (0 when none does)."""
        return max((p.per_host or 0 for p in self.policies), default=0)

    def for_host(self, host: str, per_host: int, min_interval: float) -> Effective:
        """The settings for host, given the run's own (--per-host, --min-interval).

        A host's per_host replaces the run's; its min_interval is a floor under it.
        """
        key = (host.lower(), per_host, min_interval)
        found = self._cache.get(key)
        if found is None:
            found = self.configured(*key)
            if key[0] in self.learned:
                learnt_slots, learnt_interval = self.learned[key[0]]
                found = Effective(
                    min(found.per_host, learnt_slots),
                    max(found.min_interval, learnt_interval),
                    found.accept,
                )
            self._cache[key] = found
        return found

    def configured(self, host: str, per_host: int, min_interval: float) -> Effective:
        """The settings for host by the rules and the run's own, before anything learnt."""
        slots: int | None = None
        interval: float | None = None
        accept: set[int] = set()
        for policy in self.policies:
            if not policy.applies_to(host):
                continue
            slots = policy.per_host if slots is None else slots
            interval = policy.min_interval if interval is None else interval
            accept.update(policy.accept)
        return Effective(slots or per_host, max(min_interval, interval or 0.0), frozenset(accept))

    def excluded(self, host: str, url: str) -> bool:
        """Whether a rule for host says not to check url."""
        for policy in self._exclude:
            if policy.applies_to(host) and any(
                fnmatch.fnmatchcase(url, pattern) for pattern in policy.exclude
            ):
                return True
        return False


# Learned limits: each throttled run halves a host's requests in flight and doubles
# the space between them, within these bounds.
LEARNED_FLOOR_INTERVAL = 0.5  # seconds: the first step from "no spacing at all"
LEARNED_MAX_INTERVAL = 30.0


def gentler(effective: Effective) -> tuple[int, float]:
    """The limits for a host's next run after it throttled this one."""
    interval = max(LEARNED_FLOOR_INTERVAL, effective.min_interval * 2)
    return max(1, effective.per_host // 2), min(LEARNED_MAX_INTERVAL, interval)


def freer(learnt: tuple[int, float], configured: Effective) -> tuple[int, float] | None:
    """A learnt limit one step back towards the configured one, after a run it held in.

    The step undoes one of gentler's: a host that throttled three runs in a row gets
    its own limits back after three quiet ones, not at the first (which the gentler
    limits may have made quiet). None once nothing learnt is left.
    """
    slots = min(configured.per_host, learnt[0] * 2)
    interval = learnt[1] / 2
    if interval < LEARNED_FLOOR_INTERVAL:
        interval = 0.0  # below gentler's first step: no learnt spacing at all
    interval = max(configured.min_interval, interval)
    if slots >= configured.per_host and interval <= configured.min_interval:
        return None
    return slots, interval
