"""SIGTERM and SIGHUP stop a sandbox like Ctrl-C; soketi never outlives its owner.

In-process: `signals_as_interrupts` takes over only signals left at their
default action and gives them back afterwards; `deferred_interrupts` holds
them during critical steps. In subprocesses: `with Sandbox()` stops soketi
and removes its folder on SIGTERM or SIGHUP, and an attached soketi stops by
itself when the program that started it is killed outright.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from membrane_pusher.sandbox.interrupts import (
    SignalInterrupt,
    deferred_interrupts,
    signals_as_interrupts,
)
from membrane_pusher.sandbox.sandbox import Sandbox
from process_checks import alive, reaped, wait_gone

# --- in-process ---------------------------------------------------------------


def test_a_terminating_signal_raises_an_interrupt_in_the_block(
    default_handlers, terminating_signal
):
    # Arrange
    signum = terminating_signal

    def signal_and_wait() -> None:
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises before this ends

    # Act
    with signals_as_interrupts(), pytest.raises(SignalInterrupt) as raised:
        signal_and_wait()

    # Assert
    assert isinstance(raised.value, KeyboardInterrupt)
    assert raised.value.signum == signum
    assert signal.getsignal(signum) is signal.SIG_DFL


def test_handlers_set_by_someone_else_are_left_alone(
    default_handlers, terminating_signals
):
    # Arrange
    def own(_signum, _frame):
        pass

    signal.signal(signal.SIGTERM, own)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)

    # Act
    with signals_as_interrupts():
        inside = {s: signal.getsignal(s) for s in terminating_signals}

    # Assert
    assert inside == {signal.SIGTERM: own, signal.SIGHUP: signal.SIG_IGN}
    assert signal.getsignal(signal.SIGTERM) is own
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN


def test_a_terminating_signal_waits_for_the_critical_step(default_handlers):
    # Arrange
    finished = []

    def critical_step() -> None:
        with deferred_interrupts():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.1)
            finished.append(True)
        finished.append(False)  # never reached: raised as the step ends

    # Act
    with signals_as_interrupts(), pytest.raises(SignalInterrupt):
        critical_step()

    # Assert
    assert finished == [True]


def test_outside_the_main_thread_nothing_is_taken_over(default_handlers):
    # Arrange
    seen = []

    def worker() -> None:
        with signals_as_interrupts():
            seen.append(signal.getsignal(signal.SIGTERM))

    # Act
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()

    # Assert
    assert seen == [signal.SIG_DFL]


@pytest.mark.soketi
def test_with_sandbox_takes_the_signals_over_and_gives_them_back(
    default_handlers, terminating_signals, pusher_sandbox_install_dir
):
    # Act
    with Sandbox(install_dir=pusher_sandbox_install_dir):
        inside = {s: signal.getsignal(s) for s in terminating_signals}

    # Assert
    assert all(handler is not signal.SIG_DFL for handler in inside.values())
    assert {s: signal.getsignal(s) for s in terminating_signals} == dict.fromkeys(
        terminating_signals, signal.SIG_DFL
    )


# --- in subprocesses ------------------------------------------------------------

# Starts a sandbox (or a bare server), prints soketi's pid and its folder, waits.
HOLDER = """
import signal, sys, time
from pathlib import Path

for signum in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(signum, signal.SIG_DFL)

from membrane_pusher.sandbox.sandbox import Sandbox
from membrane_pusher.sandbox.soketi import SoketiServer

install_dir = Path(sys.argv[1])
if sys.argv[2] == "sandbox":
    with Sandbox(install_dir=install_dir) as sandbox:
        print(sandbox.server.pid, sandbox.root, flush=True)
        time.sleep(60)
else:
    server = SoketiServer(install_dir=install_dir).start()
    print(server.pid, server.run_dir, flush=True)
    time.sleep(60)
"""


def start_holder(
    tmp_path: Path, install_dir: Path, kind: str
) -> tuple[subprocess.Popen[str], int, Path]:
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script), str(install_dir), kind],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, process.communicate()
    pid, folder = line.split(maxsplit=1)
    return process, int(pid), Path(folder.strip())


@pytest.mark.soketi
@pytest.mark.slow
def test_with_sandbox_stops_soketi_on_a_terminating_signal(
    tmp_path, pusher_sandbox_install_dir, terminating_signal
):
    # Arrange
    signum = terminating_signal
    holder, soketi_pid, root = start_holder(
        tmp_path, pusher_sandbox_install_dir, "sandbox"
    )
    with reaped(holder):
        assert alive(soketi_pid)

        # Act
        holder.send_signal(signum)
        _, stderr = holder.communicate(timeout=30)

    # Assert: stopped as on Ctrl-C, not killed outright
    assert "SignalInterrupt" in stderr
    assert wait_gone(soketi_pid, seconds=1)
    assert not root.exists()


@pytest.mark.soketi
@pytest.mark.slow
def test_an_attached_soketi_stops_when_its_owner_is_killed(
    tmp_path, pusher_sandbox_install_dir
):
    # Arrange
    holder, soketi_pid, _ = start_holder(tmp_path, pusher_sandbox_install_dir, "server")
    try:
        assert alive(soketi_pid)

        # Act: nothing in the owner can run any more
        holder.kill()
        holder.communicate(timeout=30)

        # Assert
        assert wait_gone(soketi_pid, seconds=5), "soketi outlived its owner"
    finally:
        if alive(soketi_pid):
            psutil.Process(soketi_pid).kill()
