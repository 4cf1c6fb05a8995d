"""What the learner's screens know of an item's link: its latest verdict that counts."""

from __future__ import annotations

# Failures of this machine's own (its DNS, its route), as linkcheck.outcomes.Failure
# stores them. Written out rather than imported: every screen of the learner's runs
# this query, and the enum and the result record around it are link-checking code.
PASSING_FAILURES = ("dns-failed", "unreachable")

# The latest check of the item's current URL: a fixed URL sheds its old verdict. A
# check that failed for a passing reason of this machine's says nothing about the
# link, so it does not tag the item.
LATEST_LINK_VERDICT = f"""
    (SELECT c.verdict FROM link_check c WHERE c.item_id = i.id AND c.url = i.url
     AND c.failure IS NOT '{PASSING_FAILURES[0]}' AND c.failure IS NOT '{PASSING_FAILURES[1]}'
     ORDER BY c.checked_at DESC, c.id DESC LIMIT 1)
"""
