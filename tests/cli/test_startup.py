"""Start-up: `--help` imports no LangChain or pydantic.

How fast it starts is measured by `bench/bench_startup.py`, not by a timed test.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("langchain", "langchain_core", "pydantic", "rich", "httpx", "jsonschema")

_PROBE = """
import contextlib, io, sys
from membrane_pusher.cli import run
with contextlib.redirect_stdout(io.StringIO()):
    run(sys.argv[1:])
print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[0].split(','))))
"""


@pytest.mark.parametrize("args", [["--help"], ["tools", "--help"], ["call", "--help"]])
def test_help_imports_nothing_heavy(args):
    # act
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _PROBE.replace("sys.argv[0]", repr(",".join(HEAVY))),
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    # assert
    assert result.stdout.strip() == "[]"
