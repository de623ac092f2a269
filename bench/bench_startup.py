"""Start-up: `membrane-pusher --help` against an empty Python start.

Times `membrane-pusher --help` (the installed console script, in a fresh
process each time) and `python -c pass` with the same interpreter, alternating.
Target: the `--help` median within 1.5x of (the `python -c pass` median plus
100 ms). Also lists which heavy modules `--help` imported, as a hint when the
target is missed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import median_ms, result, shown_path, spread_ms, target

HEAVY_MODULES = ("langchain_core", "pydantic", "jsonschema", "httpx", "tenacity")

# Runs `--help` in-process and reports which heavy modules it pulled in.
_PROBE = """
import json, sys
sys.argv = ["membrane-pusher", "--help"]
from membrane_pusher.cli import main
try:
    main()
except SystemExit:
    pass
heavy = {heavy!r}
print(json.dumps(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr)
"""


def _script() -> list[str]:
    """Return the argv of the installed `membrane-pusher` console script."""
    beside = Path(sys.executable).with_name("membrane-pusher")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("membrane-pusher")
    if found:
        return [found]
    return [sys.executable, "-m", "membrane_pusher.cli"]


def _shown(argv: list[str]) -> list[str]:
    """Return argv as the results file shows it: no path of this machine."""
    return [shown_path(part) for part in argv]


def _time(argv: list[str]) -> float:
    """Run argv once, quietly; return its wall time in seconds."""
    start = time.perf_counter()
    completed = subprocess.run(argv, capture_output=True, check=False)
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        msg = (
            f"{_shown(argv)} exited {completed.returncode}: {completed.stderr[-500:]!r}"
        )
        raise RuntimeError(msg)
    return wall


def run(quick: bool) -> dict[str, Any]:
    """Time `--help` and an empty interpreter start; see the module docstring."""
    iterations = 10 if quick else 40
    help_argv = [*_script(), "--help"]
    empty_argv = [sys.executable, "-c", "pass"]

    _time(help_argv)
    _time(empty_argv)
    helps: list[float] = []
    empties: list[float] = []
    for _ in range(iterations):
        helps.append(_time(help_argv))
        empties.append(_time(empty_argv))

    help_ms = median_ms(helps)
    empty_ms = median_ms(empties)
    budget = 1.5 * (empty_ms + 100.0)
    return result(
        title="Start-up of membrane-pusher --help",
        measures=(
            "median wall time of `membrane-pusher --help` versus `python -c pass` "
            "with the same interpreter, each in a fresh process"
        ),
        inputs={
            "iterations": iterations,
            "help_argv": _shown(help_argv),
            "empty_argv": _shown(empty_argv),
        },
        figures={
            "help": spread_ms(helps),
            "python_c_pass": spread_ms(empties),
            "budget_ms": round(budget, 3),
            "ratio_to_pass_plus_100ms": round(help_ms / (empty_ms + 100.0), 4),
            "heavy_modules_imported_by_help": _heavy_modules(),
        },
        targets=[
            target(
                "--help / (python -c pass + 100 ms)",
                help_ms / (empty_ms + 100.0),
                1.5,
            )
        ],
    )


def _heavy_modules() -> list[str] | str:
    """Return the heavy modules that `--help` imports (or why unknown)."""
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY_MODULES)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        modules: list[str] = json.loads(completed.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return "unknown (probe failed)"
    return modules
