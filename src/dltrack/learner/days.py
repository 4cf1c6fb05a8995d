"""Days as the learner types them: 2026-11-30, today, yesterday, and spans like 7d."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

from dltrack.errors import UserError

_SPAN: Final = re.compile(r"([0-9]{1,5})d")
MAX_SPAN_DAYS: Final = 36_500  # a hundred years: anything longer is a slip
_HINT: Final = "use YYYY-MM-DD, today or yesterday"


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else f"{text[:30]}… ({len(text)} characters)")


def parse_day(text: str, today: date) -> date:
    """A day named by the learner: an ISO date, `today` or `yesterday`."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", word):
        raise UserError(f"not a date: {_shown(text)} ({_HINT})")
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise UserError(f"no such date: {_shown(text)} ({_HINT})") from None


def past_day(text: str, today: date) -> date:
    """A day named by the learner that is not after today (what a change may be dated)."""
    day = parse_day(text, today)
    if day > today:
        raise UserError(f"{day.isoformat()} is in the future; a change can be dated up to today")
    return day


def parse_since(text: str, today: date) -> date:
    """The first day of a span: `7d` (the last seven days, today included) or a day."""
    match = _SPAN.fullmatch(text.strip().lower())
    if match is None:
        return parse_day(text, today)
    days = int(match.group(1))
    if not 1 <= days <= MAX_SPAN_DAYS:
        raise UserError(f"not a span of days: {_shown(text)} (1d to {MAX_SPAN_DAYS}d)")
    return today - timedelta(days=days - 1)
