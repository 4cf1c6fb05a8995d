"""Content rules: page text (or final-URL fragments) that marks a 200 page dead or blocked.

Host patterns: ``example.org`` matches exactly that host; ``*.example.org`` matches
``example.org`` itself *and* every subdomain (``www.example.org``, ``a.b.example.org``).
The apex is included on purpose: curators mean "this site", and sites move freely
between ``example.org`` and ``www.example.org``. Matching is case-insensitive.

Precedence: the caller's rules are consulted before the built-in ones, in the order
given, and the first rule with a hit decides. Within one rule, ``blocked_if`` is tried
before ``dead_if``, because "inconclusive" is the safer mistake than "dead".
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from dltrack.linkcheck.verdicts import Verdict


class RuleLike(Protocol):
    """Anything shaped like ``dltrack.seed.LinkRule`` (host, dead_if, blocked_if)."""

    @property
    def host(self) -> str: ...

    @property
    def dead_if(self) -> Sequence[str]: ...

    @property
    def blocked_if(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class ContentRule:
    """Text that marks a page on one host (pattern) as dead or blocked."""

    host: str
    dead_if: tuple[str, ...] = ()
    blocked_if: tuple[str, ...] = ()
    # Fragments of the final URL (after redirects): anti-robot systems often redirect
    # to a verification URL whose page text is a script with no telling words.
    dead_if_url: tuple[str, ...] = ()
    blocked_if_url: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        host = self.host.strip().lower().rstrip(".")
        if not host or host in ("*", "*."):
            raise ValueError(f"not a host pattern: {self.host!r}")
        object.__setattr__(self, "host", host)
        for name in ("dead_if", "blocked_if", "dead_if_url", "blocked_if_url"):
            needles = tuple(n for n in getattr(self, name) if n and n.strip())
            object.__setattr__(self, name, needles)

    def applies_to(self, host: str) -> bool:
        """True when this rule's host pattern covers host (see the module docstring)."""
        host = host.lower().rstrip(".")
        if self.host.startswith("*."):
            apex = self.host[2:]
            return host == apex or host.endswith("." + apex)
        return host == self.host

    @classmethod
    def of(cls, rule: ContentRule | RuleLike | Mapping[str, Any]) -> ContentRule:
        """Build a rule from a LinkRule, a ContentRule or a {"host", "dead_if", ...} mapping."""
        if isinstance(rule, ContentRule):
            return rule
        if isinstance(rule, Mapping):
            return cls(
                host=str(rule["host"]),
                dead_if=tuple(rule.get("dead_if", ())),
                blocked_if=tuple(rule.get("blocked_if", ())),
                dead_if_url=tuple(rule.get("dead_if_url", ())),
                blocked_if_url=tuple(rule.get("blocked_if_url", ())),
            )
        return cls(host=rule.host, dead_if=tuple(rule.dead_if), blocked_if=tuple(rule.blocked_if))


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """Which rule text hit, and what it means."""

    verdict: Verdict
    needle: str
    rule: ContentRule

    @property
    def reason(self) -> str:
        """Short human text for the result: "soft 404: ..." or "blocked page: ..."."""
        if self.verdict is Verdict.DEAD:
            return f"soft 404: {self.needle}"
        return f"blocked page: {self.needle}"


WECHAT = ContentRule(
    host="mp.weixin.qq.com",
    dead_if=(
        "该内容已被发布者删除",
        "此内容因违规无法查看",
        "此内容被多人投诉，相关的内容无法进行展示",
        "此内容被投诉且经审核涉嫌侵权，无法查看",
        "该公众号已迁移",
        "此帐号已被屏蔽",
        "此帐号已被封禁",
        "该帐号已被封禁",
        "此帐号已自主注销",
        "该账号已注销",
        "此帐号处于帐号迁移流程中",
        "链接已过期",
        "The content has been deleted by the author",
        "This content has been removed",
        "This content has been deleted",
        "Unable to view this content because it violates regulation",
        "This content has been reported by multiple people",
        "cannot be displayed due to multiple complaints",
        "The official account has been migrated",
        "This account has been blocked",
        "This account has been banned",
        "The link has expired",
    ),
    blocked_if=(
        "完成验证后即可继续访问",
        "环境异常",
        "请完成安全验证",
        "访问过于频繁",
        "Complete verification to continue",
        "Environment exception",
        "unusual network environment",
    ),
    blocked_if_url=("wappoc_appmsgcaptcha", "mp/verifycode", "secitptpage/verify"),
)

ZHIHU = ContentRule(
    host="*.zhihu.com",
    dead_if=(
        "你似乎来到了没有知识存在的荒原",
        "404 - 知乎",
        "该内容已被删除",
        "该回答已被删除",
        "该文章已被删除",
        "该问题已被删除",
        "该文章已被作者删除",
    ),
    blocked_if=(
        "安全验证",
        "系统监测到您的网络环境存在异常",
        "您当前请求存在异常",
        '"code":40362',
        '"code": 40362',
    ),
    blocked_if_url=("unhappy_reason", "/account/unhappy", "/signin?next="),
)

BUILTIN_RULES: tuple[ContentRule, ...] = (WECHAT, ZHIHU)

# Parked and for-sale domains answer 200 with a page of their own on every path. They
# say so early: in the title or first heading, or in the parking service's script and
# markers in the head. So only the page's head is looked at, on every host: a few
# substring searches in a few KB, and an article that merely mentions a domain sale
# further down is not taken for one.
PARKED_HEAD = 4096
PARKED: tuple[str, ...] = (
    "this domain is for sale",
    "this domain name is for sale",
    "buy this domain",
    "this domain may be for sale",
    "the domain name is for sale",
    "domain is parked",
    "this domain is parked",
    "域名出售",
    "该域名正在出售",
    "此域名出售",
    "域名正在出售",
    "sedoparking.com",
    "parkingcrew.net",
    "data-adblockkey",
    "bodis.com/",
    "hugedomains.com",
    "dan.com/buy-domain",
    "afternic.com/forsale",
    "parklogic.com",
    "above.com/marketplace",
)


def parked_page(text: str) -> str | None:
    """The sign that the page is a parked or for-sale domain's, from its head; else None."""
    head = text[:PARKED_HEAD].lower()
    for needle in PARKED:
        if needle in head:
            return needle
    return None


class RuleSet:
    """The rules in force for a run: the caller's first, then (optionally) the built-ins."""

    __slots__ = ("_by_host", "rules")

    def __init__(
        self,
        rules: Iterable[ContentRule | RuleLike | Mapping[str, Any]] = (),
        *,
        builtins: bool = True,
    ) -> None:
        made = (ContentRule.of(r) for r in rules)
        # A rule with no text to look for (one that only sets a host's politeness) must
        # not make its host's pages be read.
        own = tuple(
            r for r in made if r.dead_if or r.blocked_if or r.dead_if_url or r.blocked_if_url
        )
        self.rules: tuple[ContentRule, ...] = own + (BUILTIN_RULES if builtins else ())
        self._by_host: dict[str, tuple[ContentRule, ...]] = {}

    def for_host(self, host: str) -> tuple[ContentRule, ...]:
        """The rules that apply to host, in precedence order (cached per host)."""
        host = host.lower()
        found = self._by_host.get(host)
        if found is None:
            found = tuple(r for r in self.rules if r.applies_to(host))
            self._by_host[host] = found
        return found

    def has_rules(self, host: str) -> bool:
        """True when pages on host must be fetched with GET and read."""
        return bool(self.for_host(host))

    def match(self, url: str, text: str | None) -> RuleMatch | None:
        """The first rule hit for the final page at url with body text, or None."""
        host = urlsplit(url).hostname or ""
        rules = self.for_host(host)
        if not rules:
            return None
        lowered_url = url.lower()
        page = normalise_page(text) if text else ""
        for rule in rules:
            for verdict, needles, haystack in (
                (Verdict.BLOCKED, rule.blocked_if_url, lowered_url),
                (Verdict.BLOCKED, rule.blocked_if, page),
                (Verdict.DEAD, rule.dead_if_url, lowered_url),
                (Verdict.DEAD, rule.dead_if, page),
            ):
                for needle in needles:
                    if needle.casefold() in haystack:
                        return RuleMatch(verdict, needle, rule)
        return None


def normalise_page(text: str) -> str:
    """Page text as rules see it: HTML entities decoded, case folded."""
    # Entities because some pages spell CJK text as &#x8be5;...; casefold for the
    # English UI variants. Both are linear and cheap next to the network.
    if "&" in text:
        text = html.unescape(text)
    return text.casefold()
