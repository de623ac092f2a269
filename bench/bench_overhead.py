"""Overhead of one tool call over the bare CLI process it runs.

Measures one Membrane action tool call, sync (`tool.invoke`) and async
(`tool.ainvoke`), against the stand-in CLI, and a bare `subprocess.run` of the
very same argv and environment. Each round runs one call of every kind, in an
order that alternates from round to round, so drift in machine load hits every
side alike; the ratio is taken per round (our call / the same round's bare
call) and the median of those ratios is the figure, printed with its spread.

Two figures per form:

* the median per-round wall-time ratio tool / bare (target at most 1.05);
* our own added time: the call's wall time minus the wall time of the process
  it started (spawn to reap, see `process_span.py`). Target under 2 ms.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import TYPE_CHECKING, Any

from common import (
    median_ms,
    ratio_spread,
    result,
    run_bare,
    run_bare_async,
    spread_ms,
    standin_workspace,
    target,
    timed,
)
from process_span import ProcessSpans

if TYPE_CHECKING:
    from collections.abc import Callable

CONNECTION_ID = "con_pusher_sandbox"

BENCH_ACTION = {
    "id": "act_bench_notify",
    "key": "bench-notify",
    "name": "Notify a channel",
    "description": "Send a short notice to one channel (benchmark action).",
    "type": "connector-operation",
    "inputSchema": {
        "type": "object",
        "properties": {
            "channel": {"type": "string", "pattern": "^[A-Za-z0-9_\\-=@,.;]+$"},
            "event": {"type": "string", "maxLength": 200},
            "data": {"type": "object", "additionalProperties": True},
        },
        "required": ["channel", "event"],
    },
}

ARGUMENTS = {"channel": "deploys", "event": "deploy-finished", "data": {"ok": True}}


def bench_workspace() -> dict[str, Any]:
    """Return the stand-in's default workspace plus the benchmark action."""
    from membrane_pusher.sandbox.standin.workspace import (  # noqa: PLC0415
        default_workspace,
    )

    data = default_workspace()
    data.setdefault("actions", []).append(
        {**BENCH_ACTION, "connectionId": CONNECTION_ID}
    )
    return data


def _tool_call(index: int) -> dict[str, Any]:
    """Return a LangChain ToolCall, as an agent would pass it."""
    return {
        "name": "bench-notify",
        "args": dict(ARGUMENTS),
        "id": f"call_{index}",
        "type": "tool_call",
    }


def _check(message: Any) -> None:
    """Fail loudly when the measured call did not succeed."""
    if getattr(message, "status", "success") == "error":
        msg = f"benchmark tool call failed: {message.content}"
        raise RuntimeError(msg)


def _added(walls: list[float], spans: list[float]) -> float | None:
    """Median of wall minus process span, in ms; None when spans are missing."""
    if len(spans) != len(walls):
        return None
    return round(
        statistics.median(w - s for w, s in zip(walls, spans, strict=True)) * 1000, 3
    )


def run(quick: bool) -> dict[str, Any]:
    """Measure the overhead of one tool call; see the module docstring."""
    from membrane_pusher.membrane.models import Action  # noqa: PLC0415
    from membrane_pusher.tools.action_tool import action_tool  # noqa: PLC0415

    iterations = 25 if quick else 200
    warmup = 3

    with standin_workspace(bench_workspace()) as workspace:
        client = workspace.client(timeout=60.0)
        action = Action.model_validate({**BENCH_ACTION, "connectionId": CONNECTION_ID})
        tool = action_tool(action, client, CONNECTION_ID)
        argv = client.argv_for_run_action(action.id, CONNECTION_ID, ARGUMENTS)
        env = {**os.environ, **workspace.env()}
        samples = _measure(tool, argv, env, iterations=iterations, warmup=warmup)
        calls = len(workspace.calls())

    sync_ratios = _per_round(samples["sync"], samples["bare"])
    async_ratios = _per_round(samples["async"], samples["bare"])
    sync_ratio = statistics.median(sync_ratios)
    async_ratio = statistics.median(async_ratios)
    added_sync = _added(samples["sync"], samples["sync_span"])
    added_async = _added(samples["async"], samples["async_span"])
    added_bare = _added(samples["bare"], samples["bare_span"])
    notes = [
        (
            "ratios are per round (each kind once per round, the order "
            "alternating between rounds), then the median; *_spread shows how "
            "much the rounds disagreed"
        ),
        (
            "ratio_async compares with subprocess.run as the target says; "
            "ratio_async_to_bare_asyncio compares with the same process started by "
            "asyncio, which has its own cost (child watcher thread, pipe transports)"
        ),
        (
            "added time = call wall time minus the process's spawn-to-reap time; "
            "it includes argument validation, argv building, output parsing, "
            "result shaping and LangChain's invoke machinery"
        ),
    ]
    if added_sync is None or added_async is None:
        notes.append("process spans not captured; added time = wall difference")
        bare_ms = median_ms(samples["bare"])
        added_sync = round(median_ms(samples["sync"]) - bare_ms, 3)
        added_async = round(median_ms(samples["async"]) - bare_ms, 3)

    return result(
        title="Overhead of one tool call",
        measures=(
            "median wall time of one Membrane action tool call (sync invoke and "
            "async ainvoke with a ToolCall) against the stand-in CLI, versus a bare "
            "subprocess.run of the identical argv and environment"
        ),
        inputs={
            "iterations": iterations,
            "warmup": warmup,
            "action": BENCH_ACTION["key"],
            "arguments": ARGUMENTS,
            "argv_elements": len(argv),
            "stand_in_calls_recorded": calls,
        },
        figures={
            "bare_subprocess_run": spread_ms(samples["bare"]),
            "tool_invoke_sync": spread_ms(samples["sync"]),
            "tool_ainvoke_async": spread_ms(samples["async"]),
            "bare_asyncio_subprocess": spread_ms(samples["bare_async"]),
            "ratio_sync": round(sync_ratio, 4),
            "ratio_sync_spread": ratio_spread(sync_ratios),
            "ratio_async": round(async_ratio, 4),
            "ratio_async_spread": ratio_spread(async_ratios),
            "ratio_async_to_bare_asyncio": round(
                statistics.median(_per_round(samples["async"], samples["bare_async"])),
                4,
            ),
            "added_ms_sync": added_sync,
            "added_ms_async": added_async,
            "added_ms_bare_subprocess_run": added_bare,
        },
        targets=[
            target("median ratio sync / bare", sync_ratio, 1.05),
            target("median ratio async / bare", async_ratio, 1.05),
            target("our added time, sync", added_sync, 2.0, unit="ms", op="<"),
            target("our added time, async", added_async, 2.0, unit="ms", op="<"),
        ],
        notes=notes,
    )


def _per_round(ours: list[float], bare: list[float]) -> list[float]:
    """Our wall time over the same round's bare wall time, round by round."""
    return [o / b for o, b in zip(ours, bare, strict=True)]


def _measure(
    tool: Any,
    argv: list[str],
    env: dict[str, str],
    *,
    iterations: int,
    warmup: int,
) -> dict[str, list[float]]:
    """Run rounds of bare, sync, async and bare asyncio calls; return walls, spans.

    The order of the four calls alternates between rounds (forward, then
    backward), so no kind always runs right after another.
    """
    samples: dict[str, list[float]] = {
        name: []
        for name in (
            "bare",
            "sync",
            "async",
            "bare_async",
            "bare_span",
            "sync_span",
            "async_span",
            "bare_async_span",
        )
    }

    # One loop for all async calls, not running during the sync ones, so that a
    # sync path that drives its own loop is measured as users would run it.
    # Async calls are timed inside the loop, as the caller's code would see them.
    loop = asyncio.new_event_loop()

    def sync(index: int) -> float:
        start = time.perf_counter()
        message = tool.invoke(_tool_call(index))
        wall = time.perf_counter() - start
        _check(message)
        return wall

    async def timed_async(index: int) -> float:
        start = time.perf_counter()
        message = await tool.ainvoke(_tool_call(index))
        wall = time.perf_counter() - start
        _check(message)
        return wall

    async def timed_bare_async() -> float:
        start = time.perf_counter()
        await run_bare_async(argv, env)
        return time.perf_counter() - start

    kinds: list[tuple[str, Callable[[int], float]]] = [
        ("bare", lambda _: timed(lambda: run_bare(argv, env))),
        ("sync", sync),
        ("async", lambda index: loop.run_until_complete(timed_async(index))),
        ("bare_async", lambda _: loop.run_until_complete(timed_bare_async())),
    ]
    try:
        for index in range(warmup + iterations):
            keep = index >= warmup
            order = kinds if index % 2 == 0 else kinds[::-1]
            with ProcessSpans() as spans:
                for name, call in order:
                    wall = call(index)
                    _keep(samples, name, keep, wall, spans.take())
    finally:
        loop.close()
    return samples


def _keep(
    samples: dict[str, list[float]],
    name: str,
    keep: bool,
    wall: float,
    spans: list[float],
) -> None:
    """Store one sample (after the warm-up) and its process span when unique."""
    if not keep:
        return
    samples[name].append(wall)
    if len(spans) == 1:
        samples[f"{name}_span"].append(spans[0])
