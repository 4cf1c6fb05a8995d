"""Link checking as a library: URLs in, one verdict per URL out, as each one completes.

Knows nothing of terminals, databases or files. Typical use::

    async with LinkChecker(CheckOptions(per_host=8), rules=catalogue.link_rules) as checker:
        async for result in checker.results((item.id, item.url) for item in items):
            store(result)  # each result is final when yielded

or, from synchronous code, ``check_links(jobs, on_result=store)``. Both raise
``dltrack.errors.NetworkUnreachable`` instead of reporting an offline run as dead links.
"""

from __future__ import annotations

from dltrack.linkcheck.classify import (
    Decision,
    Hop,
    classify,
    classify_exception,
    parse_retry_after,
)
from dltrack.linkcheck.engine import (
    DEFAULT_USER_AGENT,
    CheckOptions,
    LinkChecker,
    check_links,
    check_links_async,
)
from dltrack.linkcheck.rules import BUILTIN_RULES, WECHAT, ZHIHU, ContentRule, RuleMatch, RuleSet
from dltrack.linkcheck.verdicts import Failure, LinkResult, Verdict

__all__ = [
    "BUILTIN_RULES",
    "DEFAULT_USER_AGENT",
    "WECHAT",
    "ZHIHU",
    "CheckOptions",
    "ContentRule",
    "Decision",
    "Failure",
    "Hop",
    "LinkChecker",
    "LinkResult",
    "RuleMatch",
    "RuleSet",
    "Verdict",
    "check_links",
    "check_links_async",
    "classify",
    "classify_exception",
    "parse_retry_after",
]
