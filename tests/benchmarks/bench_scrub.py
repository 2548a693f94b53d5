"""How the text scrubber's cost grows with a long run of e-mail local-part characters.

sentry-sdk 2.76 cuts no string short (its DEFAULT_MAX_VALUE_LENGTH is None), so a value
of any length reaches `scrub_text` inside `before_send`, while the request waits. A run
of characters an address may start with (`[\\w.+-]` or `%2B`) that no `@` follows, in a
text with an address elsewhere, is the e-mail detector's worst case: tried at every
position, its pattern rescanned the rest of the run from each, and 4 times the text cost
16 times the time. Linear, 4 times the text costs about 4 times the time.

Printed per run: `scrub_text` on 2 KB and on 8 KB of it (median CPU time of this thread
over interleaved rounds), the ratio 8 KB / 2 KB against its target, and, for scale, the
same ratio for the detector's pattern run by plain `re.sub` (one round: it is slow).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from korrigo_sentry.privacy import text
from korrigo_sentry.privacy.rule import FILTERED

ROUNDS = 9
SMALL, LARGE = 2048, 8192
#: Linear is 4; above 6, the growth is no longer linear (it was 16 when quadratic).
TARGET = 6.0
#: Run name -> text of about `size` characters: the run, then an address (the hint).
RUNS: dict[str, Callable[[int], str]] = {
    "letters": lambda size: "a" * size + " eleve@lycee.fr",
    "%2B": lambda size: "%2B" * (size // 3) + " eleve@lycee.fr",
}


def cpu_seconds(function: Callable[[str], str], value: str) -> float:
    start = time.thread_time()
    function(value)
    return time.thread_time() - start


def medians(function: Callable[[str], str], make: Callable[[int], str], rounds: int) -> list[float]:
    """Median CPU seconds of `function` on the small then the large text, rounds alternating."""
    small, large = make(SMALL), make(LARGE)
    samples: list[list[float]] = [[], []]
    for _ in range(rounds):
        samples[0].append(cpu_seconds(function, small))
        samples[1].append(cpu_seconds(function, large))
    return [statistics.median(s) for s in samples]


def main() -> bool:
    """Print the figures per run; True when every ratio is within the target."""
    email = next(d for d in text.DETECTORS if d.rule.name == "email")

    def plain(value: str) -> str:
        return email.pattern.sub(FILTERED, value)

    ok = True
    print(f"scrub_text on a run of local-part characters, {SMALL} vs {LARGE} characters")
    for name, make in RUNS.items():
        small, large = medians(text.scrub_text, make, ROUNDS)
        plain_small, plain_large = medians(plain, make, 1)
        ratio = large / small
        verdict = "OK" if ratio <= TARGET else "ABOVE TARGET"
        print(
            f"  {name:<8} scrub_text {small * 1e3:8.3f} ms / {large * 1e3:8.3f} ms  "
            f"ratio {ratio:5.1f} (target <= {TARGET:g}) {verdict}"
        )
        print(
            f"  {'':<8} re.sub of the pattern alone (before) {plain_small * 1e3:8.1f} ms / "
            f"{plain_large * 1e3:8.1f} ms  ratio {plain_large / plain_small:5.1f}"
        )
        ok = ok and ratio <= TARGET
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
