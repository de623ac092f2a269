"""Mutations that turn a valid argument set of a shared schema case into bad ones.

`broken_variants(case, strategy)` draws one valid argument set from the case's
strategy (the expensive draw) and derives several variants from it, each with
one mutation: a required property dropped, a property or a nested property
given a value of any JSON type, or one of the case's known-bad sets with
unknown properties added. Plain jsonschema is the judge: only variants it
rejects are returned, without repeats, so every returned set must be refused.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from fuzz_support import canonical
from hypothesis import assume
from hypothesis import strategies as st
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

if TYPE_CHECKING:
    from collections.abc import Callable

    Mutation = Callable[[st.DrawFn, dict[str, Any], dict[str, Any]], dict[str, Any]]

# Values of every JSON type, used to break a property's type.
ANY_JSON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**31), 2**31),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
)
# How many mutations one drawn set goes through (one at a time, each on a copy).
VARIANTS_PER_DRAW = 4


def is_valid(schema: dict[str, Any], arguments: Any) -> bool:
    """Plain jsonschema's verdict, the reference for both directions."""
    validator = validator_for(schema)(schema, format_checker=FormatChecker())
    return bool(validator.is_valid(arguments))


def _drop_required(
    draw: st.DrawFn, case: dict[str, Any], arguments: dict[str, Any]
) -> dict[str, Any]:
    present = [name for name in case["schema"].get("required", []) if name in arguments]
    if present:
        arguments.pop(draw(st.sampled_from(present)))
    return arguments


def _retype(
    draw: st.DrawFn, case: dict[str, Any], arguments: dict[str, Any]
) -> dict[str, Any]:
    names = sorted(case["schema"].get("properties", {})) or ["x"]
    arguments[draw(st.sampled_from(names))] = draw(ANY_JSON)
    return arguments


def _retype_nested(
    draw: st.DrawFn, case: dict[str, Any], arguments: dict[str, Any]
) -> dict[str, Any]:
    nested = [k for k, v in arguments.items() if isinstance(v, dict) and v]
    if not nested:
        return _retype(draw, case, arguments)
    inner = arguments[draw(st.sampled_from(nested))]
    inner[draw(st.sampled_from(sorted(inner)))] = draw(ANY_JSON)
    return arguments


def _known_bad(
    draw: st.DrawFn, case: dict[str, Any], arguments: dict[str, Any]
) -> dict[str, Any]:
    """A known-bad set of the case, plus unknown properties from the drawn set."""
    del arguments
    bad = copy.deepcopy(draw(st.sampled_from(case["args_bad"])))
    declared = set(case["schema"].get("properties", {}))
    extra_names = st.text(min_size=1, max_size=6).filter(lambda n: n not in declared)
    extras = draw(st.dictionaries(extra_names, ANY_JSON, min_size=1, max_size=2))
    return {**extras, **bad}


MUTATIONS: list[Mutation] = [_retype, _drop_required, _retype_nested, _known_bad]


@st.composite
def broken_variants(
    draw: st.DrawFn, case: dict[str, Any], strategy: st.SearchStrategy[Any]
) -> list[dict[str, Any]]:
    """Draw one valid set of `case` and return its distinct invalid variants."""
    base = draw(strategy)
    assume(isinstance(base, dict))

    variants: dict[str, dict[str, Any]] = {}
    for _ in range(VARIANTS_PER_DRAW):
        mutate = draw(st.sampled_from(MUTATIONS))
        arguments = mutate(draw, case, copy.deepcopy(base))
        if not is_valid(case["schema"], arguments):
            variants.setdefault(canonical(arguments), arguments)
    assume(variants)
    return list(variants.values())
