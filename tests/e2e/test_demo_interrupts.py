"""Ctrl-C during the demo's model turn stops everything, and soon.

The offline model's engine is native code that holds its thread for seconds
without returning to Python; a Ctrl-C used to wait for it. Here a fake engine
does the same (it blocks SIGINT in its thread and sleeps), the demo runs as a
subprocess, and SIGINT goes to it (or to its whole process group, as a
terminal's Ctrl-C does) while the engine is busy. Afterwards no soketi or
stand-in process of that run may be alive and no temporary folder may remain.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import psutil
import pytest

from process_checks import alive

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.soketi, pytest.mark.slow]

DRIVER = """
import signal, sys, time
from pathlib import Path

signal.signal(signal.SIGINT, signal.default_int_handler)

from membrane_pusher.agent.offline_model import NeedleChatModel
from membrane_pusher.demo import run_demo
from membrane_pusher.sandbox.sandbox import Sandbox


class BusyEngine:
    # Like the native engine: busy for long, deaf to Ctrl-C in its thread.
    def __init__(self, **_kwargs):
        pass

    def reset(self):
        pass

    def complete(self, _query, max_new_tokens=0):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        print("ENGINE BUSY", flush=True)
        time.sleep(60)
        return {}

    def close(self):
        pass


class FakeNeedle:
    Needle = BusyEngine


model = NeedleChatModel()
model._module = FakeNeedle
install_dir = Path(sys.argv[1])
try:
    run_demo(model=model, sandbox_factory=lambda: Sandbox(install_dir=install_dir))
except KeyboardInterrupt:
    sys.exit(130)
"""


def _descendants(pid: int) -> set[int]:
    try:
        return {child.pid for child in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return set()


def _run_until_busy(tmp_path: Path, install_dir: Path) -> subprocess.Popen[str]:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    return subprocess.Popen(
        [sys.executable, str(driver), str(install_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


@pytest.mark.parametrize("target", ["process", "process_group"])
def test_ctrl_c_in_the_model_turn_stops_everything_quickly(
    tmp_path, pusher_sandbox_install_dir, target
):
    # Arrange: run the demo until the engine is busy
    demo = _run_until_busy(tmp_path, pusher_sandbox_install_dir)
    assert demo.stdout is not None
    try:
        for line in demo.stdout:
            if "ENGINE BUSY" in line:
                break
        started = _descendants(demo.pid)

        # Act
        sent = time.monotonic()
        if target == "process":
            demo.send_signal(signal.SIGINT)
        else:
            os.killpg(demo.pid, signal.SIGINT)
        code = demo.wait(timeout=60)
        took = time.monotonic() - sent
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
        demo.stdout.close()

    # Assert: stopped, soon, and nothing of it is left
    assert code == 130
    assert started, "the demo started no soketi"
    assert took < 10, f"the demo took {took:.1f} s to stop after Ctrl-C"
    assert [pid for pid in started if alive(pid)] == []
    assert not list(tmp_path.glob("membrane-pusher-*"))
