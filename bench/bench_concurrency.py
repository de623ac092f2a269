"""Concurrency: 20 async tool calls at once against a stand-in that answers in 200 ms.

Our side: 20 `tool.ainvoke` calls gathered at once, on a client whose
concurrency limit is 20. The baseline: the same 20 stand-in commands (same argv,
same environment, same 200 ms sleep) started at once with bare asyncio
subprocesses. Each round runs both batches, the order alternating between
rounds; the ratio of the two wall times, taken per round, shows what our
scheduling, limiting and parsing cost under load. The figure is the median of
the per-round ratios, printed with their spread. Target: at most 1.1.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Any

from bench_overhead import ARGUMENTS, BENCH_ACTION, CONNECTION_ID, bench_workspace
from common import (
    median_ms,
    ratio_spread,
    result,
    run_bare_async,
    standin_workspace,
    target,
)

CALLS = 20
DELAY_MS = 200


def slow_rule(delay_ms: int) -> dict[str, Any]:
    """Return a stand-in fault rule that delays every `action run` answer."""
    return {"command": "action run", "sleep": delay_ms / 1000}


def run(quick: bool) -> dict[str, Any]:
    """Measure 20 concurrent tool calls; see the module docstring."""
    from membrane_pusher.membrane.models import Action  # noqa: PLC0415
    from membrane_pusher.tools.action_tool import action_tool  # noqa: PLC0415

    rounds = 3 if quick else 10

    with standin_workspace(bench_workspace()) as workspace:
        workspace.set_faults([slow_rule(DELAY_MS)])
        client = workspace.client(timeout=60.0, max_concurrency=CALLS)
        action = Action.model_validate({**BENCH_ACTION, "connectionId": CONNECTION_ID})
        tool = action_tool(action, client, CONNECTION_ID)
        argv = client.argv_for_run_action(action.id, CONNECTION_ID, ARGUMENTS)
        env = {**os.environ, **workspace.env()}

        ours, bare = asyncio.run(_rounds(tool, argv, env, rounds))
        recorded = len(workspace.calls())

    ratios = [o / b for o, b in zip(ours, bare, strict=True)]
    ratio = statistics.median(ratios)
    return result(
        title="Concurrency of async tool calls",
        measures=(
            f"wall time of {CALLS} tool.ainvoke calls gathered at once (client "
            f"max_concurrency={CALLS}) against a stand-in sleeping {DELAY_MS} ms per "
            f"call, versus the same {CALLS} commands started at once as bare asyncio "
            "subprocesses"
        ),
        inputs={
            "calls": CALLS,
            "stand_in_delay_ms": DELAY_MS,
            "max_concurrency": CALLS,
            "rounds": rounds,
            "stand_in_calls_recorded": recorded,
        },
        figures={
            "ours_median_ms": median_ms(ours),
            "bare_median_ms": median_ms(bare),
            "ratio_per_round": [round(r, 4) for r in ratios],
            "ratio_median": round(ratio, 4),
            "ratio_spread": ratio_spread(ratios),
            "serial_would_take_ms": CALLS * DELAY_MS,
        },
        targets=[target("median ratio ours / bare asyncio", ratio, 1.1)],
        notes=[
            (
                "each round runs the bare batch and our batch back to back, the "
                "order alternating between rounds; the ratio is taken per round, "
                "then the median"
            ),
            (
                "the bare processes use the same spawn options as the client "
                "(stdin closed, own session); started without a new session, the "
                "same bare batch took about 2x longer on this machine, which would "
                "flatter our side"
            ),
        ],
    )


async def _rounds(
    tool: Any, argv: list[str], env: dict[str, str], rounds: int
) -> tuple[list[float], list[float]]:
    """Run warm-up then `rounds` pairs of batches; return both wall-time lists."""
    await _ours(tool)
    await _bare(argv, env)
    ours: list[float] = []
    bare: list[float] = []
    for index in range(rounds):
        if index % 2 == 0:
            bare.append(await _bare(argv, env))
            ours.append(await _ours(tool))
        else:
            ours.append(await _ours(tool))
            bare.append(await _bare(argv, env))
    return ours, bare


async def _ours(tool: Any) -> float:
    """Gather CALLS tool calls; return the wall time."""
    calls = [
        {"name": tool.name, "args": dict(ARGUMENTS), "id": f"c{i}", "type": "tool_call"}
        for i in range(CALLS)
    ]
    start = time.perf_counter()
    messages = await asyncio.gather(*(tool.ainvoke(call) for call in calls))
    wall = time.perf_counter() - start
    failed = [m.content for m in messages if getattr(m, "status", "") == "error"]
    if failed:
        msg = f"{len(failed)} benchmark calls failed, first: {failed[0]}"
        raise RuntimeError(msg)
    return wall


async def _bare(argv: list[str], env: dict[str, str]) -> float:
    """Start CALLS bare asyncio subprocesses at once; return the wall time."""
    start = time.perf_counter()
    await asyncio.gather(*(run_bare_async(argv, env) for _ in range(CALLS)))
    return time.perf_counter() - start
