"""Problems found in content files, reported as ``path:line: field: message``."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentError(Exception):
    path: str
    line: int
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def as_warning(self) -> ContentError:
        return ContentError(self.path, self.line, self.field, self.message, "warning")


class FieldError(ValueError):
    """Raised by a field converter; the loader adds path, line and field."""
