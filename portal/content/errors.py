"""Problems found in content files, reported as ``path:line: field: message``."""
from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any

# A problem is one line in `portal check`, a log line and a row on the desk: a
# hostile file must not turn it into megabytes.
MAX_MESSAGE = 300
MAX_FIELD = 60
MAX_SHOWN = 60


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = text[: limit * 4]  # no need to look further to cut it
    if "\n" in text or "\r" in text:
        text = " ".join(text.splitlines())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Shown(reprlib.Repr):
    def __init__(self):
        super().__init__()
        self.maxlevel = 3
        self.maxstring = self.maxother = self.maxlong = MAX_SHOWN
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = self.maxfrozenset = 6

    def repr_str(self, x, level):
        # Cut before quoting, and at the end, where an official reads from.
        return repr(x) if len(x) <= self.maxstring else repr(x[: self.maxstring]) + "…"

    def repr_bytes(self, x, level):
        return repr(x) if len(x) <= self.maxstring else repr(x[: self.maxstring]) + "…"

    def repr_int(self, x, level):
        try:
            return super().repr_int(x, level)
        except ValueError:  # more digits than Python will turn into text
            return f"<a number of {x.bit_length()} bits>"

    def repr_instance(self, x, level):
        text = super().repr_instance(x, level)
        return text if len(text) <= self.maxother else text[: self.maxother - 1] + "…"


def shown(value: Any) -> str:
    """``repr(value)`` short enough to echo back in a message, however big or deep."""
    return clip(_Shown().repr(value), MAX_SHOWN * 2)


@dataclass(frozen=True)
class ContentError(Exception):
    path: str
    line: int
    field: str
    message: str
    severity: str = "error"

    def __post_init__(self):
        object.__setattr__(self, "field", clip(str(self.field), MAX_FIELD))
        object.__setattr__(self, "message", clip(str(self.message), MAX_MESSAGE))
        # Exception keeps its constructor arguments: keep the short ones.
        object.__setattr__(self, "args", (self.path, self.line, self.field, self.message,
                                          self.severity))

    def __reduce__(self):
        return type(self), self.args

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def _setattr(self, name: str, value: Any) -> None:
    # Python code that handles exceptions sets these on whatever it catches
    # (contextlib sets __traceback__): frozen must not turn that into a new error.
    if name.startswith("__") and name.endswith("__"):
        Exception.__setattr__(self, name, value)
    else:
        _frozen_setattr(self, name, value)


_frozen_setattr = ContentError.__setattr__
ContentError.__setattr__ = _setattr  # type: ignore[method-assign]


class FieldError(ValueError):
    """Raised by a field converter; the loader adds path, line and field."""

    def __init__(self, message: str):
        super().__init__(clip(str(message)))
