"""Benchmark: schema conversion and argument validation cost.

`run(quick)` builds realistic Membrane-style action schemas (nested objects,
enums, `$ref`, nullable types, unions, Membrane keywords), converts each into
a tool and every provider format, then validates argument sets (mostly valid,
some broken) with the tool's cached validator and with plain `jsonschema`
(one cached `Draft202012Validator` per schema, same format checker), in
interleaved rounds. It returns per-item costs and the median ratio over the
rounds; targets: conversion < 1 ms per schema, validation within 1.5x of plain
jsonschema. Quick mode: 200 schemas and 2,000 argument sets; full mode: 1,000
and 10,000.
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import time
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator, FormatChecker

from common import result, target
from membrane_pusher.formats import (
    to_anthropic_tool,
    to_gemini_tool,
    to_mcp_tool,
    to_openai_tool,
)
from membrane_pusher.membrane.models import Action
from membrane_pusher.schema.validate import get_validator
from membrane_pusher.tools.action_tool import action_tool

if TYPE_CHECKING:
    from collections.abc import Callable

CONVERSION_TARGET_MS = 1.0
VALIDATION_TARGET_RATIO = 1.5
SEED = 20240611
# Calls per timed chunk: long enough for the clock, short enough that a burst
# of background load lands on both sides.
CHUNK = 100
_WORDS = [
    "channel",
    "event",
    "user",
    "socket",
    "info",
    "limit",
    "filter",
    "name",
    "tag",
]


class _NoClient:
    def run_action(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def arun_action(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


def make_schema(rng: random.Random) -> dict[str, Any]:
    """One realistic action input schema."""
    properties: dict[str, Any] = {}
    for index in range(rng.randint(2, 9)):
        name = (
            f"{rng.choice(_WORDS)}{index}"
            if index % 3
            else f"{rng.choice(_WORDS)}-{index}"
        )
        properties[name] = _property(rng, depth=0)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": rng.sample(
            list(properties), k=rng.randint(0, min(3, len(properties)))
        ),
    }
    if rng.random() < 0.3:
        schema["$defs"] = {
            "Ref": {
                "type": "object",
                "properties": {"id": {"type": "string"}},
                "required": ["id"],
            }
        }
        schema["properties"]["ref"] = {
            "$ref": "#/$defs/Ref",
            "description": "A record.",
        }
    if rng.random() < 0.2:
        schema["additionalProperties"] = False
    return schema


def _property(rng: random.Random, depth: int) -> dict[str, Any]:  # noqa: PLR0911 - one return per shape
    roll = rng.random()
    if roll < 0.3:
        return {
            "type": "string",
            "description": "Text.",
            "referenceRecords": {"k": 1},
            "maxLength": 200,
        }
    if roll < 0.45:
        return {"type": "string", "enum": ["a", "b", "c"], "isImplied": True}
    if roll < 0.55:
        return {"type": ["integer", "null"], "minimum": 0, "default": 10}
    if roll < 0.65:
        return {"type": "string", "pattern": "^[a-z0-9_-]+$", "format": "hostname"}
    if roll < 0.75:
        return {"type": "array", "items": {"type": "string"}, "maxItems": 10}
    if roll < 0.85 and depth < 2:
        inner = {f"f{i}": _property(rng, depth + 1) for i in range(rng.randint(1, 4))}
        return {"type": "object", "properties": inner, "required": list(inner)[:1]}
    if roll < 0.92:
        return {
            "oneOf": [{"type": "string"}, {"type": "integer"}],
            "description": "Id or name.",
        }
    return {"type": "boolean"}


def make_arguments(schema: Any, rng: random.Random, root: dict[str, Any]) -> Any:  # noqa: PLR0911 - one return per type
    """A value valid under `schema` (for the shapes `make_schema` produces)."""
    if "$ref" in schema:
        return {"id": "rec_1"}
    if "oneOf" in schema:
        return rng.choice(["name", 7])
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "object":
        props = schema.get("properties", {})
        keys = [
            k for k in props if k in schema.get("required", []) or rng.random() < 0.6
        ]
        return {k: make_arguments(props[k], rng, root) for k in keys}
    if kind == "array":
        return ["x"] * rng.randint(0, 3)
    if kind == "integer":
        return rng.randint(0, 50)
    if kind == "boolean":
        return rng.random() < 0.5
    if "pattern" in schema:
        return "host-name"
    return "hello"


def _break(arguments: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    broken = dict(arguments)
    broken[rng.choice([*broken, "unexpected"])] = {"wrong": [1, 2]}
    return broken


def _per_call_us(seconds: list[float], count: int) -> dict[str, float]:
    """Min, median and max over rounds of the time per call, in microseconds."""
    per_call = sorted(s / count * 1e6 for s in seconds)
    return {
        "min_us": round(per_call[0], 2),
        "median_us": round(statistics.median(per_call), 2),
        "max_us": round(per_call[-1], 2),
    }


def _interleaved_rounds(
    ours: list[tuple[Callable[[Any], Any], Any]],
    plain: list[tuple[Callable[[Any], Any], Any]],
    rounds: int,
) -> tuple[list[float], list[float]]:
    """Seconds per round for each side, timed chunk by chunk, taking turns."""
    ours_s: list[float] = []
    plain_s: list[float] = []
    for round_index in range(rounds):
        gc.collect()
        totals = [0.0, 0.0]
        for chunk_index, start in enumerate(range(0, len(ours), CHUNK)):
            sides = [(0, ours), (1, plain)]
            if (round_index + chunk_index) % 2:
                sides.reverse()
            for side, calls in sides:
                totals[side] += _time_chunk(calls[start : start + CHUNK])
        ours_s.append(totals[0])
        plain_s.append(totals[1])
    return ours_s, plain_s


def _time_chunk(calls: list[tuple[Callable[[Any], Any], Any]]) -> float:
    """Run each check to the end (errors listed) and return the seconds taken."""
    started = time.perf_counter()
    for check, args in calls:
        for _ in check(args):
            pass
    return time.perf_counter() - started


def run(quick: bool = False) -> dict[str, Any]:
    """Run the benchmark and return its figures (times in microseconds)."""
    schema_count, argument_count = (200, 2000) if quick else (1000, 10000)
    rng = random.Random(SEED)
    schemas = [make_schema(rng) for _ in range(schema_count)]
    actions = [
        Action(
            id=f"act_{i}",
            key=f"action.{i}",
            name=f"Action {i}",
            description="Does a thing.",
            inputSchema=s,
        )
        for i, s in enumerate(schemas)
    ]

    started = time.perf_counter()
    tools = [action_tool(a, _NoClient(), "con_1") for a in actions]
    build_s = time.perf_counter() - started
    timings = {"build_tool": build_s}
    for label, convert in (
        ("openai", to_openai_tool),
        ("openai_strict", lambda t: to_openai_tool(t, strict=True)),
        ("anthropic", to_anthropic_tool),
        ("gemini", to_gemini_tool),
        ("mcp", to_mcp_tool),
    ):
        started = time.perf_counter()
        for tool in tools:
            convert(tool)
        timings[label] = time.perf_counter() - started

    argument_sets = []
    for index in range(argument_count):
        schema_index = index % schema_count
        arguments = make_arguments(schemas[schema_index], rng, schemas[schema_index])
        if rng.random() < 0.1:
            arguments = _break(arguments, rng)
        argument_sets.append((schema_index, arguments))

    ours = [get_validator(s) for s in schemas]
    plain = [Draft202012Validator(s, format_checker=FormatChecker()) for s in schemas]
    ours_calls = [(ours[i].problems, args) for i, args in argument_sets]
    plain_calls = [(plain[i].iter_errors, args) for i, args in argument_sets]
    invalid = sum(1 for check, args in ours_calls if check(args))
    plain_invalid = sum(1 for check, args in plain_calls if list(check(args)))

    rounds = 5 if quick else 9
    ours_s, plain_s = _interleaved_rounds(ours_calls, plain_calls, rounds)
    ratios = [o / p for o, p in zip(ours_s, plain_s, strict=True)]
    ratio = statistics.median(ratios)

    per_schema = {k: round(v / schema_count * 1e3, 4) for k, v in timings.items()}
    per_schema["all_formats_and_build"] = round(
        sum(timings.values()) / schema_count * 1e3, 4
    )
    slowest = max(v for k, v in per_schema.items() if k != "all_formats_and_build")
    return result(
        title="Schema conversion and argument validation",
        measures=(
            "per-schema time to build a tool and each provider format from "
            "generated action schemas; per-call time of the tool's validator "
            "versus a cached plain Draft202012Validator on the same argument sets"
        ),
        inputs={
            "schemas": schema_count,
            "argument_sets": argument_count,
            "validation_rounds": rounds,
            "seed": SEED,
            "shapes": "nested objects, enums, $ref, nullable, oneOf, Membrane keywords",
        },
        figures={
            "conversion_ms_per_schema": per_schema,
            "invalid_argument_sets": invalid,
            "invalid_agree_with_plain": invalid == plain_invalid,
            "validation_us_per_call": _per_call_us(ours_s, argument_count),
            "plain_jsonschema_us_per_call": _per_call_us(plain_s, argument_count),
            "validation_ratio_per_round": [round(r, 3) for r in ratios],
            "validation_ratio_to_plain": round(ratio, 3),
        },
        targets=[
            target(
                "slowest single conversion per schema",
                slowest,
                CONVERSION_TARGET_MS,
                unit="ms",
                op="<",
            ),
            target(
                "median ratio validation / plain jsonschema",
                ratio,
                VALIDATION_TARGET_RATIO,
            ),
        ],
        notes=[
            (
                "validation: each round runs every argument set through both "
                f"validators in chunks of {CHUNK} calls, alternating which goes "
                "first, so background load hits both alike; the ratio is taken "
                "per round, then the median"
            ),
            (
                "all_formats_and_build is every conversion of one schema added "
                "up; the target applies to each conversion on its own"
            ),
        ],
    )


if __name__ == "__main__":
    print(json.dumps(run(quick=False), indent=2))
