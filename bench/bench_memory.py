"""Memory: resident set size of a real 100-tool `PusherToolkit` beyond langchain-core.

In a fresh interpreter (so nothing else is loaded), measure RSS after importing
langchain-core (its tool and message classes: `BaseTool`, `BaseToolkit`,
`ToolMessage`, which every LangChain tool user loads), then after importing the
toolkit,
then after `PusherToolkit.get_tools()` has built 100 tools: 92 catalog actions
(`catalog.py`'s generated schemas, listed by the stand-in) and the 8 built-in
Pusher tools, and once more after every tool has compiled its argument
validator. Target: build minus langchain-core under 30 MB.

The measured build reads a warm action cache (filled by one build in this
process beforehand), so the child starts no process and the figure is the
toolkit's own; a cold build in its own fresh interpreter, which also runs the
stand-in once per intent, is reported beside it. When the target is missed, a
third interpreter traces the build with `tracemalloc` and the largest
allocations (by file) are reported, so the result says where the memory goes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_toolkit import CONNECTION_ID, INTENTS, catalog_workspace
from common import REPO_ROOT, result, shown_path, standin_workspace, target

CATALOG_ACTIONS = 92
BUILTIN_TOOLS = 8
TARGET_MB = 30.0
TOP_ALLOCATIONS = 12

# Runs in the fresh interpreter; prints one JSON line.
_CHILD = """
import gc, json, sys
from pathlib import Path
import psutil

def rss():
    gc.collect()
    return psutil.Process().memory_info().rss

base = rss()
# `import langchain_core.tools` alone defers the tool base; it is split out
# only to show what langchain-core's BaseTool machinery weighs.
import langchain_core.tools, langchain_core.messages
after_lazy_core = rss()
from langchain_core.tools import BaseTool, BaseToolkit
from langchain_core.messages import ToolMessage
after_core = rss()

if {trace}:
    import tracemalloc
    tracemalloc.start(1)

# The dependencies the toolkit loads (httpx loads only with the direct transport).
import jsonschema, platformdirs, pydantic, tenacity
after_dependencies = rss()
from membrane_pusher.membrane.client import MembraneClient
from membrane_pusher.pusher.toolkit import PusherToolkit
after_import = rss()

kit = PusherToolkit(
    connection_id={connection_id!r},
    intents={intents!r},
    app_id="12345",
    client=MembraneClient(env={env!r}),
    cache_dir=Path({cache!r}),
    action_limit={actions},
)
tools = kit.get_tools()
after_build = rss()

for tool in tools:
    getattr(tool, "validator", None)
after_validators = rss()

top = []
if {trace}:
    snapshot = tracemalloc.take_snapshot()
    for stat in snapshot.statistics("filename")[:{top}]:
        top.append([stat.traceback[0].filename, stat.size])

print(json.dumps({{
    "tools": len(tools),
    "catalog_tools": sum(
        1 for t in tools if "membrane_action_id" in (t.metadata or {{}})
    ),
    "base": base,
    "after_lazy_core": after_lazy_core,
    "after_core": after_core,
    "after_dependencies": after_dependencies,
    "after_import": after_import,
    "after_build": after_build,
    "after_validators": after_validators,
    "top": top,
}}))
"""


def _mb(value: float) -> float:
    """Bytes to MB (10^6), rounded."""
    return round(value / 1_000_000, 2)


def run(quick: bool) -> dict[str, Any]:
    """Measure the toolkit's memory in fresh interpreters; see the docstring."""
    repeats = 1 if quick else 3
    with (
        standin_workspace(catalog_workspace(CATALOG_ACTIONS)) as workspace,
        tempfile.TemporaryDirectory(prefix="mp-bench-memory-") as folder,
    ):
        warm_cache = Path(folder) / "warm"
        _warm_up(workspace, warm_cache)
        warm = [_child(workspace, warm_cache) for _ in range(repeats)]
        cold = _child(workspace, Path(folder) / "cold")

        build = min(s["after_build"] - s["after_core"] for s in warm)
        top = None
        if _mb(build) >= TARGET_MB:
            top = _child(workspace, warm_cache, trace=True)["top"]

    validators = min(s["after_validators"] - s["after_core"] for s in warm)
    first = warm[0]
    figures: dict[str, Any] = {
        "tools_built": first["tools"],
        "catalog_tools_built": first["catalog_tools"],
        "rss_bare_interpreter_mb": _mb(first["base"]),
        "rss_after_langchain_core_mb": _mb(first["after_core"]),
        "langchain_core_tool_base_mb": _mb(
            first["after_core"] - first["after_lazy_core"]
        ),
        "package_import_mb": _mb(first["after_import"] - first["after_core"]),
        "of_which": {
            "dependencies_mb": _mb(first["after_dependencies"] - first["after_core"]),
            "membrane_pusher_modules_mb": _mb(
                first["after_import"] - first["after_dependencies"]
            ),
        },
        "tools_build_mb": _mb(first["after_build"] - first["after_import"]),
        "build_minus_langchain_core_mb": _mb(build),
        "build_minus_lazy_langchain_core_import_mb": _mb(
            min(s["after_build"] - s["after_lazy_core"] for s in warm)
        ),
        "with_validators_minus_langchain_core_mb": _mb(validators),
        "cold_build_minus_langchain_core_mb": _mb(
            cold["after_build"] - cold["after_core"]
        ),
    }
    if top is not None:
        figures["largest_allocations_mb"] = {
            shown_path(name): _mb(size) for name, size in top
        }
    return result(
        title="Memory of a 100-tool PusherToolkit",
        measures=(
            "RSS in a fresh interpreter after PusherToolkit.get_tools() built "
            f"{CATALOG_ACTIONS} catalog tools and {BUILTIN_TOOLS} built-in tools "
            "from a warm action cache, minus RSS after importing "
            "langchain-core's BaseTool, BaseToolkit and ToolMessage"
        ),
        inputs={
            "catalog_actions": CATALOG_ACTIONS,
            "builtin_tools": BUILTIN_TOOLS,
            "intents": len(INTENTS),
            "fresh_interpreters": repeats,
            "catalog": "bench/catalog.py",
        },
        figures=figures,
        targets=[
            target(
                "RSS build - langchain-core", _mb(build), TARGET_MB, unit="MB", op="<"
            )
        ],
        notes=[
            "the smallest of the warm repeats is kept (less allocator noise)",
            (
                "`import langchain_core.tools` alone defers BaseTool; loading it "
                "(runnables, tracers, langsmith) is langchain-core's own cost, "
                "shown as langchain_core_tool_base_mb; measured from the bare "
                "lazy import instead, the figure is "
                "build_minus_lazy_langchain_core_import_mb"
            ),
            "cold = empty cache, the stand-in listed once per intent (one child)",
        ],
    )


def _warm_up(workspace: Any, cache: Path) -> None:
    """Build the toolkit once in this process, so the cache holds every list."""
    from membrane_pusher.pusher.toolkit import PusherToolkit  # noqa: PLC0415

    kit = PusherToolkit(
        connection_id=CONNECTION_ID,
        intents=INTENTS,
        app_id="12345",
        client=workspace.client(),
        cache_dir=cache,
        action_limit=CATALOG_ACTIONS,
    )
    built = len(kit.get_tools())
    if built != CATALOG_ACTIONS + BUILTIN_TOOLS:
        msg = f"expected {CATALOG_ACTIONS + BUILTIN_TOOLS} tools, built {built}"
        raise RuntimeError(msg)


def _child(workspace: Any, cache: Path, *, trace: bool = False) -> dict[str, Any]:
    """Run the measuring script in a fresh interpreter and read its answer."""
    code = _CHILD.format(
        trace=trace,
        connection_id=CONNECTION_ID,
        intents=INTENTS,
        env=workspace.env(),
        cache=str(cache),
        actions=CATALOG_ACTIONS,
        top=TOP_ALLOCATIONS,
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=REPO_ROOT,
    )
    if completed.returncode != 0:
        msg = f"memory child failed: {completed.stderr.strip()[-2000:]}"
        raise RuntimeError(msg)
    answer: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answer
