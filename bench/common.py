"""Helpers shared by the benchmark modules: timing, statistics, results, machine.

Every benchmark module exposes `run(quick: bool) -> dict`. The dict built by
`result` has a fixed shape so that `bench/run.py` can print it and two result
files can be compared:

```
{
    "title": ...,
    "measures": ...,
    "inputs": {...},
    "figures": {...},
    "targets": [{"name", "value", "limit", "unit", "met"}],
    "notes": [...],
}
```
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

REPO_ROOT = Path(__file__).resolve().parent.parent


def median_ms(samples: list[float]) -> float:
    """Return the median of samples given in seconds, in milliseconds."""
    return round(statistics.median(samples) * 1000, 3)


def ratio_spread(ratios: list[float]) -> dict[str, float]:
    """Return min, median and max of per-round ratios (how noisy the run was)."""
    return {
        "min": round(min(ratios), 4),
        "median": round(statistics.median(ratios), 4),
        "max": round(max(ratios), 4),
    }


def spread_ms(samples: list[float]) -> dict[str, float]:
    """Return min, median and max of samples in seconds, in milliseconds."""
    return {
        "min_ms": round(min(samples) * 1000, 3),
        "median_ms": median_ms(samples),
        "max_ms": round(max(samples) * 1000, 3),
    }


def timed(call: Callable[[], Any]) -> float:
    """Run `call` once and return its wall time in seconds."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def target(
    name: str, value: float, limit: float, *, unit: str = "", op: str = "<="
) -> dict[str, Any]:
    """Describe one target: the measured value, the limit and whether it is met.

    Args:
        name: What the target is about, for example `sync ratio`.
        value: The measured value.
        limit: The most the value may be.
        unit: The unit of both numbers (empty for ratios).
        op: `<=` or `<`.
    """
    met = value <= limit if op == "<=" else value < limit
    return {
        "name": name,
        "value": round(value, 4),
        "limit": limit,
        "op": op,
        "unit": unit,
        "met": met,
    }


def result(
    *,
    title: str,
    measures: str,
    inputs: dict[str, Any],
    figures: dict[str, Any],
    targets: list[dict[str, Any]] | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Build a benchmark result in the shape `bench/run.py` prints."""
    return {
        "title": title,
        "measures": measures,
        "inputs": inputs,
        "figures": figures,
        "targets": targets or [],
        "notes": notes or [],
    }


def machine() -> dict[str, Any]:
    """Describe the machine the benchmarks run on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu_count": os.cpu_count(),
        "cpu_usable": usable,
        "cpu_model": _cpu_model(),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "os": platform.platform(),
    }


def _cpu_model() -> str:
    """Return the CPU model name (from /proc/cpuinfo on Linux)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def shown_path(path: str | Path) -> str:
    """Return a path as results may show it: never naming this machine's folders.

    Paths in the repo become repo-relative, paths in the interpreter's library
    folders become `<stdlib>/...` or `<site-packages>/...`, and any other
    absolute path is cut to its file name.
    """
    text = str(path)
    candidate = Path(text)
    if not candidate.is_absolute():
        return text
    roots = {
        "<site-packages>": sysconfig.get_paths()["purelib"],
        "<stdlib>": sysconfig.get_paths()["stdlib"],
    }
    if candidate.is_relative_to(REPO_ROOT) and not candidate.is_relative_to(
        roots["<site-packages>"]
    ):
        return str(candidate.relative_to(REPO_ROOT))
    for label, root in roots.items():
        if candidate.is_relative_to(root):
            return f"{label}/{candidate.relative_to(root)}"
    return candidate.name


# The spawn options of the Membrane client (stdin closed, own session), so a
# bare baseline differs from a tool call only by our own code.
_SPAWN: dict[str, Any] = {
    "stdin": subprocess.DEVNULL,
    "stdout": subprocess.PIPE,
    "stderr": subprocess.PIPE,
    "start_new_session": True,
}


def run_bare(argv: list[str], env: dict[str, str]) -> None:
    """Run argv once with `subprocess.run`, as the client would start it."""
    subprocess.run(argv, env=env, check=True, **_SPAWN)


async def run_bare_async(argv: list[str], env: dict[str, str]) -> None:
    """Run argv once as a bare asyncio subprocess, as the client would start it."""
    process = await asyncio.create_subprocess_exec(*argv, env=env, **_SPAWN)
    await process.communicate()
    if process.returncode != 0:
        msg = f"bare stand-in call exited {process.returncode}"
        raise RuntimeError(msg)


@contextmanager
def standin_workspace(data: dict[str, Any] | None = None) -> Iterator[Any]:
    """Create a stand-in workspace in a temporary folder.

    Args:
        data: The workspace to write; the stand-in's default one when `None`.

    Yields:
        A `StandinWorkspace`.
    """
    from membrane_pusher.sandbox.standin.workspace import (  # noqa: PLC0415
        StandinWorkspace,
        default_workspace,
    )

    with tempfile.TemporaryDirectory(prefix="mp-bench-") as folder:
        workspace = StandinWorkspace(Path(folder) / "workspace")
        workspace.write(data if data is not None else default_workspace())
        yield workspace


@contextmanager
def isolated_cache() -> Iterator[Path]:
    """Point the action-list cache at a fresh temporary folder."""
    previous = os.environ.get("MEMBRANE_PUSHER_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="mp-bench-cache-") as folder:
        os.environ["MEMBRANE_PUSHER_CACHE_DIR"] = folder
        try:
            yield Path(folder)
        finally:
            if previous is None:
                os.environ.pop("MEMBRANE_PUSHER_CACHE_DIR", None)
            else:
                os.environ["MEMBRANE_PUSHER_CACHE_DIR"] = previous
