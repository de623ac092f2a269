"""What the fuzz tests share: hypothesis settings and a count of distinct sets.

The floor (1,000 invalid and 1,000 valid argument sets per family of tools)
counts distinct argument sets, not calls. Hypothesis often draws the same set
again (it builds new examples by varying earlier ones), so each test skips a
set it already sent (`assume(distinct.is_new(...))`: hypothesis then draws
another example instead of counting this one) and asserts on the count of
distinct sets at the end.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, settings

# The floor each direction must reach, in distinct argument sets.
DISTINCT_FLOOR = 1000


def fuzz_settings(max_examples: int) -> settings:
    """Derandomized settings (CI sees the same examples every run), no deadline."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )


def canonical(arguments: Any) -> str:
    """One argument set as canonical JSON: same values and same JSON types."""
    return json.dumps(arguments, sort_keys=True)


class DistinctSets:
    """Counts distinct `(target, arguments)` pairs, where target is a case or tool."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()
        self.calls = 0

    def is_new(self, target: str, arguments: Any) -> bool:
        """Tell whether `arguments` were not yet sent to `target` in this run."""
        return (target, canonical(arguments)) not in self._seen

    def add(self, target: str, arguments: Any) -> None:
        """Record one call of `target` with `arguments`."""
        self.calls += 1
        self._seen.add((target, canonical(arguments)))

    def __len__(self) -> int:
        return len(self._seen)

    def per_target(self) -> dict[str, int]:
        """Distinct sets per target, for a failure message."""
        counts: dict[str, int] = {}
        for target, _ in self._seen:
            counts[target] = counts.get(target, 0) + 1
        return counts

    def __repr__(self) -> str:
        return f"{len(self)} distinct of {self.calls} calls: {self.per_target()}"
