"""Shapes shared by the kinds' tables of visible names (their labels.py)."""
from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def singular_and_plural(names: dict[str, tuple[T, T]]) -> tuple[dict[str, T], dict[str, T]]:
    """The tables of singular and of plural names, from one row per value: a value
    added to a kind gets both names in one place."""
    return ({value: one for value, (one, _) in names.items()},
            {value: many for value, (_, many) in names.items()})
