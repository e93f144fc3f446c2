"""Dates as clerks write them, and the build's as-of moment (Asia/Shanghai, no DST: UTC+8)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$")
# Forms seen in practice, recognised only to print the corrected date.
LOOSE_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／：．　", "0123456789-/:. ")


class DateProblem(ValueError):
    """``code`` is E-DATE-FORMAT or E-DATE-INVALID; ``corrected`` is set where we can tell."""

    def __init__(self, code: str, reason: str, corrected: str | None = None) -> None:
        super().__init__(reason)
        self.code, self.reason, self.corrected = code, reason, corrected


def _build(year: str, month: str, day: str, text: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateProblem("E-DATE-INVALID", f"“{text}”不是存在的日期") from None


def parse_date(text: str) -> date:
    text = text.strip()
    match = ISO_DATE.match(text)
    if match:
        return _build(*match.groups(), text=text)
    loose = LOOSE_DATE.match(text.translate(_FULL_WIDTH))
    if loose:
        year, month, day = loose.groups()
        corrected = f"{year}-{int(month):02d}-{int(day):02d}"
        _build(year, month, day, text)
        raise DateProblem("E-DATE-FORMAT", f"“{text}”不是 YYYY-MM-DD 格式", corrected)
    raise DateProblem("E-DATE-FORMAT", f"“{text}”不是 YYYY-MM-DD 格式")


def parse_datetime(text: str) -> tuple[datetime, bool]:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM`` → (naive Beijing time, whether a time was given)."""
    text = text.strip()
    match = ISO_DATETIME.match(text)
    if match:
        year, month, day, hour, minute, second = match.groups()
        day_value = _build(year, month, day, text)
        try:
            moment = time(int(hour), int(minute), int(second or 0))
        except ValueError:
            raise DateProblem("E-DATE-INVALID", f"“{text}”的时刻不存在") from None
        return datetime.combine(day_value, moment), True
    return datetime.combine(parse_date(text), time()), False


def months_up_to(day: date, count: int) -> tuple[str, ...]:
    """The ``count`` months up to and including ``day``'s month, oldest first, as ``YYYY-MM``."""
    index = day.year * 12 + day.month - 1
    return tuple(f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(index - count + 1, index + 1))


def years_of(months: tuple[str, ...] | list[str]) -> tuple[tuple[str, int], ...]:
    """Each year of ``months`` (``YYYY-MM``, in order) with how many of them it has: a table
    groups its month columns under their year, so that twelve of them fit a desktop page."""
    return tuple(Counter(month[:4] for month in months).items())


# The as-of moments a build can stand for. The site's files carry time stamps in formats of
# their own: ZIP entries hold no year before 1980, gzip headers and SOURCE_DATE_EPOCH no second
# after 2106-02-07 (32 bits); a disclosure site has no use for either end.
EARLIEST_AS_OF = date(2000, 1, 1)
LATEST_AS_OF = date(2099, 12, 31)


@dataclass(frozen=True)
class AsOf:
    """The moment a build publishes for: items published after it wait (定时发布)."""

    moment: datetime  # naive, Beijing time

    @classmethod
    def parse(cls, text: str) -> AsOf:
        """A date means the end of that day; a date and time means that minute."""
        moment, has_time = parse_datetime(text)
        if not EARLIEST_AS_OF <= moment.date() <= LATEST_AS_OF:
            raise DateProblem(
                "E-DATE-INVALID",
                f"“{text.strip()}”超出支持的范围（{EARLIEST_AS_OF} 至 {LATEST_AS_OF}）",
            )
        if not has_time:
            moment = datetime.combine(moment.date(), time(23, 59, 59))
        return cls(moment)

    @classmethod
    def now(cls) -> AsOf:
        return cls(datetime.now(BEIJING).replace(tzinfo=None, microsecond=0))

    @property
    def day(self) -> date:
        return self.moment.date()

    def __str__(self) -> str:
        return self.moment.strftime("%Y-%m-%d %H:%M")
