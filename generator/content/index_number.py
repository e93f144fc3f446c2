"""索引号: the configurable pattern (SPEC §3) that parses and formats index numbers.

The default ``{unit_code}/{year}-{serial:05d}`` gives ``008290030/2018-02662``. A site may use
another pattern with the same placeholders, plus ``{month:02d}`` for year-and-month serials
(``…/202110-00013``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Formatter

_PLACEHOLDERS = {
    "unit_code": r"(?P<unit_code>[0-9A-Z]{18}|[0-9A-Z]{9})",
    "year": r"(?P<year>\d{4})",
    "month": r"(?P<month>\d{2})",
}


_SPECS = {"month": "02d"}  # the only format a placeholder other than serial may carry
MAX_SERIAL_WIDTH = 10


class PatternError(ValueError):
    pass


@dataclass(frozen=True)
class IndexNumber:
    text: str
    unit_code: str
    year: int
    serial: int
    month: int | None = None

    def __str__(self) -> str:
        return self.text

    @property
    def scope(self) -> tuple[str, int, int | None]:
        """Serials are unique within one unit and year (and month where the pattern has one)."""
        return (self.unit_code, self.year, self.month)


class IndexPattern:
    DEFAULT = "{unit_code}/{year}-{serial:05d}"

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        regex = []
        names = set()
        try:
            parsed = list(Formatter().parse(pattern))
        except ValueError as error:
            raise PatternError(f"花括号不配对（{error}）") from error
        for literal, name, spec, _ in parsed:
            regex.append(re.escape(literal))
            if name is None:
                continue
            if name == "serial":
                width = re.fullmatch(r"0?(\d+)d", spec or "")
                if not width:
                    raise PatternError("流水号应写成 {serial:05d} 这样的定宽形式")
                self.serial_width = int(width.group(1))
                if not 1 <= self.serial_width <= MAX_SERIAL_WIDTH:
                    raise PatternError(
                        f"流水号宽度应在 1 到 {MAX_SERIAL_WIDTH} 位之间，如 {{serial:05d}}"
                    )
                regex.append(rf"(?P<serial>\d{{{self.serial_width}}})")
            elif name in _PLACEHOLDERS:
                if spec not in ("", _SPECS.get(name)):
                    allowed = f"{{{name}}}" + (
                        f" 或 {{{name}:{_SPECS[name]}}}" if name in _SPECS else ""
                    )
                    raise PatternError(f"{{{name}:{spec}}} 不能用，应写 {allowed}")
                regex.append(_PLACEHOLDERS[name])
            else:
                raise PatternError(f"未知的占位符 {{{name}}}；可用 unit_code、year、month、serial")
            names.add(name)
        missing = {"unit_code", "year", "serial"} - names
        if missing:
            raise PatternError("必须包含 {unit_code}、{year} 和 {serial:05d}")
        self.has_month = "month" in names
        self._regex = re.compile("".join(regex))

    def parse(self, text: str) -> IndexNumber | None:
        match = self._regex.fullmatch(text.strip())
        if not match:
            return None
        return IndexNumber(
            text=text.strip(),
            unit_code=match["unit_code"],
            year=int(match["year"]),
            serial=int(match["serial"]),
            month=int(match["month"]) if self.has_month else None,
        )

    def format(self, unit_code: str, year: int, serial: int, month: int = 1) -> str:
        return self.pattern.format(unit_code=unit_code, year=year, serial=serial, month=month)

    def example(self) -> str:
        return self.format("015180001", 2024, 12, 3)
