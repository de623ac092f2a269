r"""How values appear inside problem messages: quoted, cut, listed, escaped.

A problem message may quote what the model sent; these helpers keep such
quotes short, and readable even when the text has no UTF-8 form (a lone
surrogate, which JSON can carry as `\ud800`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["not_unicode_problem", "quote", "quote_list"]

_MAX_QUOTED_CHARS = 60
_MAX_LISTED = 5


def not_unicode_problem(path: str, text: str) -> str | None:
    """Describe the first lone surrogate of `text`, or `None` when it is valid.

    Args:
        path: The JSON path of the text, for the message.
        text: The text to check.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(text[error.start])
        return (
            f"{path}: the text is not valid Unicode (lone surrogate U+{code:04X} at "
            f"position {error.start}); send proper UTF-8 text"
        )
    return None


def quote(value: Any) -> str:
    """Render a value for a message, cut to a readable length.

    Text without a UTF-8 form is shown with escapes, so the message stays valid.
    """
    text = json.dumps(value, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, default=str)
    if len(text) <= _MAX_QUOTED_CHARS:
        return text
    return text[: _MAX_QUOTED_CHARS - 3] + '..."'


def quote_list(names: Sequence[str]) -> str:
    """Render up to five names for a message, saying how many more there are."""
    shown = ", ".join(quote(n) for n in names[:_MAX_LISTED])
    more = len(names) - _MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown
