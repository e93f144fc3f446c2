"""Raw HTML as the standard parser can read it safely, in linear time and bounded memory.

:class:`html.parser.HTMLParser` rescans unterminated markup (``<a`` with no ``>`` after it) up to
the end of its input at every later ``<`` — quadratic time — handles a lone ``<`` one character
at a time, and matches a tag's attributes with a regular expression whose memory grows with
their number. Both readers of raw HTML in Markdown
(:mod:`generator.content.links` for link targets, :mod:`generator.content.raw_html` for unsafe
markup) first pass their text through :func:`readable_markup`.
"""

from __future__ import annotations

import re
from bisect import bisect_right

MAX_MARKUP_CHARS = 200_000  # a tag this long is no ordinary HTML (a large image is an attachment)
_LESS_THAN = re.compile(r"<(?P<opener>!--|[A-Za-z/!?])?")  # opener: where the parser reads markup
_CLOSE = re.compile(">")
_COMMENT_CLOSE = re.compile(r"--\s*>")


def readable_markup(text: str) -> tuple[str, int | None]:
    """The text with a space for every ``<`` the parser would only read as text (``< 5``,
    ``<<``) and for the ``<`` of markup that never ends (no ``>``, or no ``-->`` for a
    comment) or ends only after :data:`MAX_MARKUP_CHARS`; and the offset of the first such
    overlong markup, which is reported: what it hides cannot be vouched for.

    The standard parser rescans unterminated markup up to the end of the text at every later
    ``<`` (quadratic time on hostile input), handles a lone ``<`` one character at a time and
    holds every attribute of a tag in memory; this pass is linear and keeps every position.
    """
    if "<" not in text:
        return text, None
    closes = [match.start() for match in _CLOSE.finditer(text)]
    last_comment_close = max((m.start() for m in _COMMENT_CLOSE.finditer(text)), default=-1)
    chars: list[str] | None = None
    overlong: int | None = None
    for match in _LESS_THAN.finditer(text):
        start, opener = match.start(), match.group("opener")
        if opener == "!--":
            readable = last_comment_close >= start + 4
        elif opener is None:
            readable = False
        else:
            index = bisect_right(closes, start)
            readable = index < len(closes) and closes[index] - start <= MAX_MARKUP_CHARS
            if index < len(closes) and not readable and overlong is None:
                overlong = start
        if not readable:
            chars = chars if chars is not None else list(text)
            chars[start] = " "
    return (text if chars is None else "".join(chars)), overlong
