"""A recorded process is known by its id and its start time, never by its id alone.

`process_start_time` reads when a process started (after boot, on Linux, so
a moved wall clock changes nothing); `is_same_process` says
whether the process recorded with that id and start time still runs (a
zombie, an ended process or a later one that got the same id does not).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import pytest

from membrane_pusher.sandbox.processes import (
    START_TIME_TOLERANCE,
    is_same_process,
    process_start_time,
)
from process_checks import reaped


def test_the_start_time_is_counted_from_boot_on_linux():
    # Arrange: psutil's wall-clock start, and the boot time it adds to the count
    wall_clock = psutil.Process().create_time()
    boot = psutil.boot_time()

    # Act
    started = process_start_time(os.getpid())

    # Assert
    assert started is not None
    assert started == pytest.approx(wall_clock - boot, abs=START_TIME_TOLERANCE)


def test_a_moved_wall_clock_does_not_make_a_live_process_another(monkeypatch):
    # Arrange: record the start, then move psutil's idea of the boot time
    # (and so of every wall-clock start time) by seven seconds
    recorded = process_start_time(os.getpid())
    assert recorded is not None
    real_create_time = psutil.Process.create_time
    monkeypatch.setattr(
        psutil.Process, "create_time", lambda self: real_create_time(self) + 7.0
    )

    # Act
    same = is_same_process(os.getpid(), recorded)

    # Assert
    assert same


def test_an_ended_process_has_no_start_time(ended_pid):
    # Act
    started = process_start_time(ended_pid)

    # Assert
    assert started is None


def test_a_running_process_with_its_start_time_is_the_same():
    # Arrange
    started = process_start_time(os.getpid())
    assert started is not None

    # Act
    same = is_same_process(os.getpid(), started + START_TIME_TOLERANCE / 2)

    # Assert
    assert same


def test_a_running_process_without_a_recorded_start_is_the_same():
    # Act
    same = is_same_process(os.getpid(), None)

    # Assert
    assert same


def test_another_start_time_is_another_process():
    # Arrange: our id, as a process started long before us would have had it
    started = process_start_time(os.getpid())
    assert started is not None

    # Act
    same = is_same_process(os.getpid(), started - 1000)

    # Assert
    assert not same


@pytest.mark.parametrize("pid", [0, -1])
def test_an_impossible_id_is_no_process(pid):
    # Act
    same = is_same_process(pid, None)

    # Assert
    assert not same


def test_an_ended_process_is_not_the_same(ended_pid):
    # Act
    same = is_same_process(ended_pid, None)

    # Assert
    assert not same


def test_a_zombie_is_not_the_same():
    # Arrange: a child that ended but is not reaped yet
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    with reaped(child):
        process = psutil.Process(child.pid)
        started = process_start_time(child.pid)
        deadline = time.monotonic() + 10
        while process.status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline, "the child never ended"
            time.sleep(0.01)

        # Act
        same = is_same_process(child.pid, started)

    # Assert
    assert not same


def test_without_psutil_the_id_and_the_linux_start_time_are_checked(
    monkeypatch, ended_pid
):
    # Arrange: `import psutil` fails, as without the `sandbox` extra
    recorded = process_start_time(os.getpid())
    assert recorded is not None
    monkeypatch.setitem(sys.modules, "psutil", None)

    # Act
    me = is_same_process(os.getpid(), recorded)
    recycled = is_same_process(os.getpid(), recorded - 1000)
    gone = is_same_process(ended_pid, recorded)
    started = process_start_time(os.getpid())

    # Assert
    assert me
    assert not recycled
    assert not gone
    assert started == recorded
