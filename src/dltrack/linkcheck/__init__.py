"""Link checking as a library: URLs in, one verdict per URL out, as each one completes.

Knows nothing of terminals, databases or files. Typical use::

    async with LinkChecker(CheckOptions(per_host=8), rules=catalogue.link_rules) as checker:
        async for result in checker.results((item.id, item.url) for item in items):
            store(result)  # each result is final when yielded

or, from synchronous code, ``check_links(jobs, on_result=store)``. Both raise
``dltrack.errors.NetworkUnreachable`` instead of reporting an offline run as dead links.
"""

from __future__ import annotations

import importlib
from typing import Any

# Where each public name lives. Loaded on first use, so that importing the
# vocabulary (``dltrack.linkcheck.verdicts``) does not load httpx.
_EXPORTS = {
    "BUILTIN_RULES": "rules",
    "WECHAT": "rules",
    "ZHIHU": "rules",
    "ContentRule": "rules",
    "RuleMatch": "rules",
    "RuleSet": "rules",
    "Decision": "decisions",
    "Hop": "decisions",
    "classify": "decisions",
    "classify_exception": "http.failures",
    "parse_retry_after": "decisions",
    "DEFAULT_USER_AGENT": "options",
    "CheckOptions": "options",
    "LinkChecker": "engine",
    "retry_delay": "next_step",
    "check_links": "blocking",
    "check_links_async": "engine",
    "Failure": "outcomes",
    "LinkResult": "outcomes",
    "Verdict": "verdicts",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
