"""The one table `make bench` prints for pages: each figure beside its baseline."""
from __future__ import annotations

from ._servers import WrkResult


class Table:
    def __init__(self):
        self.rows: list[tuple[str, ...]] = []

    def add(self, measure: str, ours: str, baseline: str, ratio: str = "", goal: str = "",
            met: bool | None = None) -> None:
        verdict = "" if met is None else ("yes" if met else "NO")
        self.rows.append((measure, ours, baseline, ratio, goal, verdict))

    def print(self) -> None:
        head = ("measure", "ours", "baseline (same run)", "ratio", "goal", "met")
        widths = [max(len(row[i]) for row in [head, *self.rows]) for i in range(len(head))]
        line = "  ".join("-" * w for w in widths)
        print(line)
        print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        print(line)
        for row in self.rows:
            print("  ".join(c.ljust(w) if i in (0, 2, 4) else c.rjust(w)
                            for i, (c, w) in enumerate(zip(row, widths))))
        print(line, flush=True)


def rps(result: WrkResult) -> str:
    return f"{result.requests_per_second:,.0f} req/s"


class Grid:
    """A table with columns of one's own: one row per case (a corpus size, say), so a
    figure's growth reads down its column. The first column is left-aligned, the rest
    right-aligned."""

    def __init__(self, *head: str):
        self.head = head
        self.rows: list[tuple[str, ...]] = []

    def add(self, *cells: str) -> None:
        if len(cells) != len(self.head):
            raise ValueError(f"{len(cells)} cells for {len(self.head)} columns")
        self.rows.append(tuple(cells))

    def print(self) -> None:
        widths = [max(len(row[i]) for row in [self.head, *self.rows])
                  for i in range(len(self.head))]
        line = "  ".join("-" * w for w in widths)
        print(line)
        print("  ".join(h.ljust(w) for h, w in zip(self.head, widths)))
        print(line)
        for row in self.rows:
            print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                            for i, (c, w) in enumerate(zip(row, widths))))
        print(line, flush=True)
