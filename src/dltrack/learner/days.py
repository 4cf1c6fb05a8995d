"""Days as the learner types them (2026-11-30, today, yesterday, 7d), and when a change counts."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

from dltrack.errors import UserError
from dltrack.lang import tr
from dltrack.records import Record

_SPAN: Final = r"([0-9]{1,5})d"  # compiled by re on first use: few runs ask for a span
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
        raise UserError(tr("not a date: {text} ({hint})").format(text=_shown(text), hint=tr(_HINT)))
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise UserError(
            tr("no such date: {text} ({hint})").format(text=_shown(text), hint=tr(_HINT))
        ) from None


def past_day(text: str, today: date) -> date:
    """A day named by the learner that is not after today (what a change may be dated)."""
    day = parse_day(text, today)
    if day > today:
        raise UserError(
            tr("{value} is in the future; a change can be dated up to today").format(
                value=day.isoformat()
            )
        )
    return day


def parse_since(text: str, today: date) -> date:
    """The first day of a span: `7d` (the last seven days, today included) or a day."""
    match = re.fullmatch(_SPAN, text.strip().lower())
    if match is None:
        return parse_day(text, today)
    days = int(match.group(1))
    if not 1 <= days <= MAX_SPAN_DAYS:
        raise UserError(
            tr("not a span of days: {text} (1d to {max_span_days}d)").format(
                text=_shown(text), max_span_days=MAX_SPAN_DAYS
            )
        )
    return today - timedelta(days=days - 1)


# A backdated change is placed at noon of its day: the middle of it in any time zone
# a few hours off, so the day it counts for cannot slip to a neighbour.
BACKDATED_AT: Final = time(12, 0)


class When(Record):
    """When a change takes effect: a UTC time and the learner's local day."""

    at: str
    day: str
    recorded_at: str


def when(on: date | None = None, *, now: datetime | None = None) -> When:
    """Now, or noon of a past local day (a backdated change).

    The day is the learner's local date at the moment of marking, kept with the
    event: a streak does not change when the laptop later travels to another zone.
    """
    # now (for tests and callers with a clock of their own) carries the learner's zone.
    local_now = now if now is not None else datetime.now().astimezone()
    recorded = _utc_text(local_now)
    if on is None or on == local_now.date():
        return When(at=recorded, day=local_now.date().isoformat(), recorded_at=recorded)
    if on > local_now.date():
        raise UserError(
            tr("{value} is in the future; a change can be dated up to today").format(
                value=on.isoformat()
            )
        )
    noon = datetime.combine(on, BACKDATED_AT, tzinfo=local_now.tzinfo)
    return When(at=_utc_text(noon), day=on.isoformat(), recorded_at=recorded)


@lru_cache(maxsize=4096)  # a restored file repeats its times
def local_day(at: str) -> str:
    """The learner's local date of a stored UTC time."""
    return datetime.fromisoformat(at).astimezone().date().isoformat()


def _utc_text(moment: datetime) -> str:
    from datetime import UTC

    return moment.astimezone(UTC).isoformat(timespec="seconds")
