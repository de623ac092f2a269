"""Ports and processes of the sandbox: free loopback ports, stopping by pid.

A process is told from a later one that got the same id by its start time:
`process_start_time` reads it, and `is_same_process` checks that a recorded
process still runs. On Linux the start time is counted from boot, as the
kernel keeps it: the wall-clock form (boot time plus that count) moves
whenever the clock is adjusted, and a live process would then look like
another one. `stop_process` stops a process and its children by id,
and only the process recorded (its start time must match), so a recycled id
is never touched. `stop_owned` stops a server this program started, with or
without psutil.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

__all__ = [
    "LOOPBACK",
    "START_TIME_TOLERANCE",
    "boot_id",
    "command_line_mentions",
    "free_ports",
    "is_same_process",
    "process_start_time",
    "stop_owned",
    "stop_process",
]

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
"""The only address the sandbox listens on or talks to."""

START_TIME_TOLERANCE = 1.0
"""Seconds two start times may differ and still be one process (psutil rounds)."""

# A plain flag, so the type checker keeps both branches (it reads
# `sys.platform` checks as constants).
_ON_LINUX = sys.platform.startswith("linux")

# Field 22 of /proc/<pid>/stat (start time in clock ticks after boot), counted
# from the first field after the command name, which may itself hold spaces.
_STARTTIME_FIELD = 19


def free_ports(count: int) -> list[int]:
    """Return `count` distinct TCP ports that are free on 127.0.0.1 right now."""
    with contextlib.ExitStack() as stack:
        sockets = [
            stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            for _ in range(count)
        ]
        for sock in sockets:
            sock.bind((LOOPBACK, 0))
        return [sock.getsockname()[1] for sock in sockets]


def process_start_time(pid: int) -> float | None:
    """When a process started, to tell it from a later one of the same id.

    Compare it only with another value from this function: on Linux it is
    seconds after boot, elsewhere seconds since the epoch.

    Args:
        pid: The process id.

    Returns:
        The start time, or None when the process is gone (or, off Linux,
        when psutil, the `sandbox` extra, is missing).
    """
    if _ON_LINUX:
        return _seconds_after_boot(pid)

    try:
        import psutil  # noqa: PLC0415 - the `sandbox` extra; keeps plugin import light
    except ImportError:
        return None

    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None


def is_same_process(pid: int, start_time: float | None) -> bool:
    """Whether the process recorded as `pid` and `start_time` still runs.

    A zombie does not count, nor does a later process that got the same id
    (its start time differs by more than `START_TIME_TOLERANCE`). Without
    psutil (the `sandbox` extra), zombies are not told apart, and off Linux
    only the id's existence can be checked.

    Args:
        pid: The recorded process id.
        start_time: The recorded start time; None checks the id alone.

    Returns:
        True when that process is alive.
    """
    if pid <= 0:
        return False
    try:
        import psutil  # noqa: PLC0415 - the `sandbox` extra; keeps plugin import light
    except ImportError:
        # Nothing to compare (no record, or no start time off Linux) is no doubt.
        return _exists(pid) and (
            start_time is None or _same_start(pid, start_time, if_unknown=True)
        )

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
    except psutil.Error:
        return False
    return start_time is None or _same_start(pid, start_time)


def boot_id() -> str:
    """This boot's id on Linux (start times are counted from boot); else empty."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def command_line_mentions(pid: int, word: str) -> bool:
    """Whether the command line of `pid` contains `word`.

    True when it cannot be read (no psutil, or no permission): this check
    only ever adds doubt to an identity the start time already confirmed.
    """
    try:
        import psutil  # noqa: PLC0415 - the `sandbox` extra; keeps plugin import light
    except ImportError:
        return True

    try:
        return word in " ".join(psutil.Process(pid).cmdline())
    except psutil.AccessDenied:
        return True
    except psutil.Error:
        return False


def stop_process(
    pid: int, *, create_time: float | None = None, grace: float = 3.0
) -> bool:
    """Stop one process by its id: SIGTERM, then SIGKILL after `grace` seconds.

    Its children are stopped too. Our own child is reaped, so no zombie stays.

    Args:
        pid: The process id.
        create_time: When given, the process is only touched if its start
            time matches (a recycled id belongs to someone else).
        grace: Seconds to wait after SIGTERM.

    Returns:
        True when a matching process was found (and is now stopped).
    """
    import psutil  # noqa: PLC0415 - the `sandbox` extra; keeps plugin import light

    try:
        process = psutil.Process(pid)
        if create_time is not None and not _same_start(pid, create_time):
            return False
        family = [*process.children(recursive=True), process]
    except psutil.Error:
        return False

    for member in family:
        with contextlib.suppress(psutil.Error):
            member.terminate()
    _, alive = psutil.wait_procs(family, timeout=grace)
    for member in alive:
        with contextlib.suppress(psutil.Error):
            member.kill()
    psutil.wait_procs(alive, timeout=grace)
    return True


def stop_owned(process: subprocess.Popen[bytes], grace: float) -> None:
    """Stop and reap a server process this program started.

    `stop_process` also stops its children, but needs psutil (the `sandbox`
    extra): when it cannot run, the process object we own is stopped
    directly, so a missing optional package never leaves a server running.

    Args:
        process: The server's process.
        grace: Seconds between SIGTERM and SIGKILL.
    """
    try:
        stop_process(process.pid, grace=grace)
    except ImportError:
        logger.warning(
            "psutil is missing: stopping the server (pid %s) directly", process.pid
        )
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)


def _same_start(pid: int, recorded: float, *, if_unknown: bool = False) -> bool:
    """Whether the process `pid` started when `recorded` says.

    `if_unknown` is the answer when its start time cannot be read.
    """
    actual = process_start_time(pid)
    if actual is None:
        return if_unknown
    return abs(actual - recorded) <= START_TIME_TOLERANCE


def _seconds_after_boot(pid: int) -> float | None:
    """When a process started, in seconds after boot, from `/proc/<pid>/stat`."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
        ticks = int(stat[stat.rindex(")") + 2 :].split()[_STARTTIME_FIELD])
    except (OSError, ValueError, IndexError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def _exists(pid: int) -> bool:
    """Whether a process of this id exists, without psutil."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
