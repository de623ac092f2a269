"""Toolkit build time: cold (the CLI asked once per intent) and warm (cache).

A stand-in workspace holds 50 generated catalog actions. The toolkit is built
with its connection id given, so the only CLI calls are the `action list`
calls, one per intent, which run concurrently:

* cold: a fresh cache folder; the stand-in answers every intent;
* warm: the same cache folder; no process may start (checked with the
  stand-in's call log).

Target: warm build under 50 ms. The built-in Pusher tools are included in both.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from catalog import action_definitions
from common import median_ms, result, spread_ms, standin_workspace, target

ACTIONS = 50
INTENTS = (
    "create or update",
    "list or search",
    "get or send",
    "delete or archive",
    "channel event user webhook message member app token",
)
CONNECTION_ID = "con_pusher_sandbox"
WARM_REPEATS = 5


def catalog_workspace(count: int) -> dict[str, Any]:
    """The default stand-in workspace with `count` generated catalog actions."""
    from membrane_pusher.sandbox.standin.workspace import (  # noqa: PLC0415
        default_workspace,
    )

    workspace = default_workspace()
    workspace["actions"] = action_definitions(count)
    return workspace


def _toolkit(workspace: Any, cache: Path) -> Any:
    """A toolkit over the workspace's catalog, its connection id given."""
    from membrane_pusher.pusher.toolkit import PusherToolkit  # noqa: PLC0415

    return PusherToolkit(
        connection_id=CONNECTION_ID,
        intents=INTENTS,
        app_id="12345",
        client=workspace.client(),
        cache_dir=cache,
        action_limit=ACTIONS,
    )


def _build(workspace: Any, cache: Path) -> int:
    """Build the toolkit once; return the number of catalog tools."""
    tools = _toolkit(workspace, cache).get_tools()
    return sum(1 for t in tools if "membrane_action_id" in (t.metadata or {}))


async def _abuild(workspace: Any, cache: Path) -> int:
    """Build the toolkit once with `aget_tools`; return the number of tools."""
    return len(await _toolkit(workspace, cache).aget_tools())


def run(quick: bool) -> dict[str, Any]:
    """Measure cold and warm toolkit builds over a 50-action catalog."""
    rounds = 3 if quick else 10
    cold: list[float] = []
    warm: list[float] = []
    warm_async: list[float] = []
    first_warm = 0.0
    processes_in_warm = 0
    catalog_tools = 0
    calls_per_cold = 0

    with standin_workspace(catalog_workspace(ACTIONS)) as workspace:
        for _ in range(rounds):
            folder = Path(tempfile.mkdtemp(prefix="mp-bench-toolkit-"))
            try:
                workspace.clear_calls()
                start = time.perf_counter()
                catalog_tools = _build(workspace, folder)
                cold.append(time.perf_counter() - start)
                calls_per_cold = len(workspace.calls())

                workspace.clear_calls()
                for _ in range(WARM_REPEATS):
                    start = time.perf_counter()
                    _build(workspace, folder)
                    elapsed = time.perf_counter() - start
                    if first_warm == 0.0:
                        # The first warm build of the process also pays one-time
                        # costs (lazy imports, first threads); reported apart.
                        first_warm = elapsed
                    else:
                        warm.append(elapsed)

                start = time.perf_counter()
                asyncio.run(_abuild(workspace, folder))
                warm_async.append(time.perf_counter() - start)
                processes_in_warm += len(workspace.calls())
            finally:
                shutil.rmtree(folder, ignore_errors=True)

    return result(
        title="PusherToolkit build: cold and warm",
        measures=(
            "get_tools() wall time with the connection id given; cold = empty "
            "cache (one stand-in `action list` per intent, concurrent); warm = "
            "same cache, no process"
        ),
        inputs={
            "catalog_actions": ACTIONS,
            "intents": len(INTENTS),
            "rounds": rounds,
            "cpu_usable": len(os.sched_getaffinity(0)),
        },
        figures={
            "cold": spread_ms(cold),
            "warm": spread_ms(warm),
            "first_warm_in_process_ms": round(first_warm * 1000, 3),
            "warm_async": spread_ms(warm_async),
            "catalog_tools_built": catalog_tools,
            "cli_calls_per_cold_build": calls_per_cold,
            "cli_calls_in_warm_builds": processes_in_warm,
        },
        targets=[
            target("warm build", median_ms(warm), 50, unit="ms", op="<"),
            target("processes in warm builds", processes_in_warm, 0, op="<="),
        ],
        notes=[
            "cold time is dominated by starting one stand-in process per intent",
            "warm excludes the first warm build of the process, shown apart",
        ],
    )


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick=True), indent=2))
