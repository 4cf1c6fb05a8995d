"""What the learner's screens know of an item's link: its latest verdict that counts."""

from __future__ import annotations

from dltrack.linkcheck.verdicts import Failure

# The latest check of the item's current URL: a fixed URL sheds its old verdict. A
# check that failed for a passing reason of this machine's (its DNS, its route) says
# nothing about the link, so it does not tag the item.
LATEST_LINK_VERDICT = f"""
    (SELECT c.verdict FROM link_check c WHERE c.item_id = i.id AND c.url = i.url
     AND c.failure IS NOT '{Failure.DNS_FAILED}' AND c.failure IS NOT '{Failure.UNREACHABLE}'
     ORDER BY c.checked_at DESC, c.id DESC LIMIT 1)
"""
