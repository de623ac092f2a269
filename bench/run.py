"""Run every benchmark, print each figure and target, and save the results.

Usage:

```
python bench/run.py --quick            # a few minutes on 2 cores (CI)
python bench/run.py --full             # more iterations, for the README figures
python bench/run.py --quick --output results.json
python bench/run.py --quick --compare bench/results/latest.json
python bench/run.py --quick --only overhead,memory
```

Each benchmark module exposes `run(quick: bool) -> dict`. Results go to
`bench/results/<timestamp>-<mode>.json` (or `--output PATH`), with the machine's
description, so that two runs can be compared (`--compare`). Only a `--full`
run of every benchmark also replaces `bench/results/latest.json`, the figures
kept in git: a quick run (CI's `make bench-quick`) or a partial one never
touches it. The exit code is 1 when a benchmark crashed, and also when a target
was missed if `--strict` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
_REPO_PREFIX = f"{BENCH_DIR.parent}/"
sys.path.insert(0, str(BENCH_DIR))

from common import machine  # noqa: E402

# The committed figures: written by a complete `--full` run only.
LATEST = "latest.json"

# Module name -> short name, in the order they run.
BENCHMARKS = {
    "bench_overhead": "overhead",
    "bench_concurrency": "concurrency",
    "bench_memory": "memory",
    "bench_startup": "startup",
    "bench_schema": "schema",
    "bench_toolkit": "toolkit",
}


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the benchmarks, print and save; return the exit code."""
    options = _parse(argv)
    quick = not options.full
    selected = _selected(options.only)
    started = dt.datetime.now(dt.UTC)

    info = machine()
    print(f"membrane-pusher benchmarks ({'quick' if quick else 'full'} mode)")
    print(
        f"machine: {info['cpu_count']} CPUs ({info['cpu_usable']} usable), "
        f"{info['cpu_model']}; Python {info['python']}; {info['os']}"
    )

    report: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "mode": "quick" if quick else "full",
        "machine": info,
        "benchmarks": {},
    }
    crashed = False
    with tempfile.TemporaryDirectory(prefix="mp-bench-") as scratch:
        _isolate(Path(scratch))
        for module_name in selected:
            name = BENCHMARKS[module_name]
            outcome = _run_one(module_name, quick)
            report["benchmarks"][name] = outcome
            crashed = crashed or "error" in outcome
            _print_result(name, outcome)

    report["duration_s"] = round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1)
    previous = _load(options.compare) if options.compare else None
    complete_full_run = not quick and selected == list(BENCHMARKS)
    paths = _save(report, options.output, started, update_latest=complete_full_run)
    if previous is not None:
        _print_comparison(previous, report)

    missed = _missed(report)
    print()
    print(f"done in {report['duration_s']} s; results: {', '.join(map(str, paths))}")
    if missed:
        print("targets missed: " + "; ".join(missed))
    if crashed:
        return 1
    return 1 if options.strict and missed else 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true", help="few iterations (CI)")
    mode.add_argument("--full", action="store_true", help="many iterations")
    parser.add_argument(
        "--output", type=Path, help="results file instead of a timestamped one"
    )
    parser.add_argument(
        "--compare", type=Path, help="a previous results file to compare with"
    )
    parser.add_argument(
        "--only", help="comma-separated short names, e.g. overhead,memory"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target is missed"
    )
    return parser.parse_args(argv)


def _selected(only: str | None) -> list[str]:
    """Return the module names to run, in a fixed order."""
    if not only:
        return list(BENCHMARKS)
    wanted = {part.strip() for part in only.split(",") if part.strip()}
    unknown = wanted - set(BENCHMARKS.values())
    if unknown:
        msg = f"unknown benchmarks: {', '.join(sorted(unknown))}"
        raise SystemExit(msg)
    return [module for module, name in BENCHMARKS.items() if name in wanted]


def _isolate(scratch: Path) -> None:
    """Keep the benchmarks away from the user's caches and credentials."""
    os.environ["MEMBRANE_PUSHER_CACHE_DIR"] = str(scratch / "cache")
    for name in list(os.environ):
        if name.startswith(("MEMBRANE_TOKEN", "PUSHER_", "SOKETI_")):
            del os.environ[name]
    os.environ.pop("MEMBRANE_CLI", None)


def _run_one(module_name: str, quick: bool) -> dict[str, Any]:
    """Import and run one benchmark; a crash becomes an `error` entry."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        return {"error": f"import failed: {error}"}

    start = time.perf_counter()
    try:
        outcome: dict[str, Any] = module.run(quick)
    except Exception as error:  # noqa: BLE001 - one crash must not hide the others
        # Results name no folder of this machine: paths in the repo turn relative.
        return {
            "error": f"{type(error).__name__}: {error}".replace(_REPO_PREFIX, ""),
            "traceback": traceback.format_exc(limit=8).replace(_REPO_PREFIX, ""),
        }
    outcome["seconds"] = round(time.perf_counter() - start, 2)
    return outcome


def _print_result(name: str, outcome: dict[str, Any]) -> None:
    """Print one benchmark's description, inputs, figures and targets."""
    print()
    print(f"== {name}: {outcome.get('title', '')}  ({outcome.get('seconds', '?')} s)")
    if "error" in outcome:
        print(f"   FAILED: {outcome['error']}")
        if "traceback" in outcome:
            print("   " + outcome["traceback"].replace("\n", "\n   "))
        return
    if "measures" in outcome:
        print(f"   measures: {outcome['measures']}")
    if outcome.get("inputs"):
        print(f"   inputs:   {json.dumps(outcome['inputs'], default=str)}")
    known = {"title", "measures", "inputs", "notes", "seconds"}
    if _targets(outcome):
        known.add("targets")
    figures = outcome.get("figures")
    if not isinstance(figures, dict):
        figures = {k: v for k, v in outcome.items() if k not in known}
    for key, value in _flatten(figures):
        print(f"   {key:<52} {value}")
    for item in _targets(outcome):
        verdict = "MET " if item.get("met") else "MISS"
        unit = f" {item.get('unit')}" if item.get("unit") else ""
        print(
            f"   [{verdict}] {item.get('name')}: {item.get('value')}{unit} "
            f"(target {item.get('op', '<=')} {item.get('limit')}{unit})"
        )
    for note in outcome.get("notes", []):
        print(f"   note: {note}")


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Flatten nested figure dicts into `a.b` keys."""
    if not isinstance(value, dict):
        return [(prefix, value)]
    rows: list[tuple[str, Any]] = []
    for key, item in value.items():
        rows.extend(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return rows


def _missed(report: dict[str, Any]) -> list[str]:
    """Return `benchmark: target` for every target not met."""
    return [
        f"{name}: {item.get('name')}"
        for name, outcome in report["benchmarks"].items()
        for item in _targets(outcome)
        if not item.get("met")
    ]


def _targets(outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the well-formed target entries of a result (others are figures)."""
    targets = outcome.get("targets")
    if not isinstance(targets, list):
        return []
    return [item for item in targets if isinstance(item, dict)]


def _save(
    report: dict[str, Any],
    output: Path | None,
    started: dt.datetime,
    *,
    update_latest: bool,
) -> list[Path]:
    """Write the results file, and `latest.json` when asked; return the paths."""
    results = BENCH_DIR / "results"
    results.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = output or results / f"{stamp}-{report['mode']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, default=str) + "\n"
    path.write_text(text, encoding="utf-8")
    if not update_latest:
        return [path]
    latest = results / LATEST
    latest.write_text(text, encoding="utf-8")
    return [path, latest]


def _load(path: Path) -> dict[str, Any] | None:
    """Read a previous results file, or None (with a message) when unreadable."""
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"cannot compare with {path}: {error}")
        return None
    return loaded


def _print_comparison(previous: dict[str, Any], current: dict[str, Any]) -> None:
    """Print each numeric figure next to the previous run's value."""
    print()
    print(f"== comparison with the run of {previous.get('started_at', '?')}")
    for name, outcome in current["benchmarks"].items():
        before = previous.get("benchmarks", {}).get(name, {})
        old = dict(_flatten(before.get("figures", {})))
        for key, value in _flatten(outcome.get("figures", {})):
            was = old.get(key)
            numeric = isinstance(value, int | float) and isinstance(was, int | float)
            if not numeric or isinstance(value, bool) or not was:
                continue
            print(f"   {name}.{key:<48} {was} -> {value} ({value / was:.2f}x)")


if __name__ == "__main__":
    sys.exit(main())
