"""What the rendering deadline costs: one guide rendered with and without it."""
import statistics
import time
from pathlib import Path

from portal import deadline
from portal.markup import render

GUIDE = Path(__file__).parent.parent / "content" / "en" / "guides" / "flood-prepare-and-evacuate.md"


def per_render(text: str, timeout: float | None, rounds: int = 200) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        render(text, timeout=timeout)
    return (time.perf_counter() - started) / rounds


def main() -> None:
    text = GUIDE.read_text(encoding="utf-8").split("---", 2)[2]
    render(text)  # build this thread's converter first
    # Alternate, so drift in the machine's speed falls on both sides alike.
    without, with_ = [], []
    for round_ in range(20):
        first, second = (without, with_) if round_ % 2 else (with_, without)
        first.append(per_render(text, None if first is without else 1.0))
        second.append(per_render(text, None if second is without else 1.0))
    base, guarded = statistics.median(without), statistics.median(with_)
    print(f"{len(text.encode())} bytes: {base * 1e3:.3f} ms without the deadline, "
          f"{guarded * 1e3:.3f} ms with it ({(guarded / base - 1) * 100:+.1f} %)")
    # The same cost on its own, free of the noise in rendering times.
    rounds = 20_000
    started = time.perf_counter()
    for _ in range(rounds):
        deadline.call(int, 1.0)
    guard = (time.perf_counter() - started) / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        int()
    guard -= (time.perf_counter() - started) / rounds
    print(f"deadline.call itself: {guard * 1e6:.1f} µs a call, "
          f"{guard / base * 100:.2f} % of a render")


if __name__ == "__main__":
    main()
