"""Memory: resident set size of a 100-tool toolkit beyond langchain-core itself.

In a fresh interpreter (so nothing else is loaded), measure RSS after importing
langchain-core's tool and message modules, then again after importing this
package and building 100 Membrane action tools (the toolkit's conversion path,
including name de-duplication), and once more after each tool has compiled its
argument validator. Target: build minus langchain-core under 30 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from common import REPO_ROOT, result, target

TOOLS = 100

# Runs in the fresh interpreter; prints one JSON line.
_CHILD = """
import gc, json, sys
import psutil
sys.path.insert(0, {bench!r})

def rss():
    gc.collect()
    return psutil.Process().memory_info().rss

base = rss()
import langchain_core.tools, langchain_core.messages
after_core = rss()

from catalog import action_definitions
from membrane_pusher.membrane.client import MembraneClient
from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_tool import action_tool
from membrane_pusher.tools.naming import tool_name, unique_names
after_import = rss()

standin = [sys.executable, "-m", "membrane_pusher.sandbox.standin"]
client = MembraneClient(command=standin)
actions = [Action.model_validate(a) for a in action_definitions({count})]
names = unique_names([tool_name(a) for a in actions])
tools = [action_tool(a, client, "con_bench", name=n) for a, n in zip(actions, names)]
after_build = rss()

for tool in tools:
    tool.validator
after_validators = rss()

print(json.dumps({{
    "tools": len(tools),
    "base": base,
    "after_core": after_core,
    "after_import": after_import,
    "after_build": after_build,
    "after_validators": after_validators,
}}))
"""


def _mb(value: float) -> float:
    """Bytes to MB (10^6), rounded."""
    return round(value / 1_000_000, 2)


def run(quick: bool) -> dict[str, Any]:
    """Measure the toolkit's memory in fresh interpreters; see the docstring."""
    repeats = 1 if quick else 3
    code = _CHILD.format(bench=str(REPO_ROOT / "bench"), count=TOOLS)
    samples = [_child(code) for _ in range(repeats)]

    build = min(s["after_build"] - s["after_core"] for s in samples)
    validators = min(s["after_validators"] - s["after_core"] for s in samples)
    first = samples[0]
    return result(
        title="Memory of a 100-tool toolkit",
        measures=(
            "RSS in a fresh interpreter after building 100 Membrane action tools, "
            "minus RSS after importing langchain_core.tools and .messages"
        ),
        inputs={
            "tools": TOOLS,
            "fresh_interpreters": repeats,
            "catalog": "bench/catalog.py",
        },
        figures={
            "rss_bare_interpreter_mb": _mb(first["base"]),
            "rss_after_langchain_core_mb": _mb(first["after_core"]),
            "package_import_mb": _mb(first["after_import"] - first["after_core"]),
            "build_minus_langchain_core_mb": _mb(build),
            "with_validators_minus_langchain_core_mb": _mb(validators),
        },
        targets=[
            target("RSS build - langchain-core", _mb(build), 30.0, unit="MB", op="<")
        ],
        notes=["the smallest of the repeats is kept (less allocator noise)"],
    )


def _child(code: str) -> dict[str, Any]:
    """Run the measuring script in a fresh interpreter and read its answer."""
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if completed.returncode != 0:
        msg = f"memory child failed: {completed.stderr.strip()[-2000:]}"
        raise RuntimeError(msg)
    answer: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answer
