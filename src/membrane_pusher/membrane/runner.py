"""Running one CLI process safely, sync or async.

Every call:

* starts from an argv list, never through a shell, with stdin closed;
* is checked first: a NUL character, text that is not valid Unicode (a lone
  UTF-16 surrogate, as a cut emoji leaves) or an element too large for the
  kernel (`MAX_ARG_STRLEN`, 128 KiB on Linux) fails before any process starts;
* runs in its own process group (`start_new_session`), so a timeout or the
  cancellation of the awaiting task kills the CLI *and* everything it started
  (`npx` -> `node` -> workers), and the process is always reaped;
* waits for one of `max_concurrency` slots, one bound for sync threads and
  every event loop together (`slots.Slots`).

The runner logs the redacted argv at DEBUG; the one INFO line of a call is the
client's, which knows what the call was about and how it ended.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from membrane_pusher.errors import (
    CLINotFoundError,
    CLITimeoutError,
    InputTooLargeError,
    InvalidArgumentsError,
)
from membrane_pusher.json_text import format_path
from membrane_pusher.membrane.slots import Slots
from membrane_pusher.membrane.stopping import (
    drain,
    finish_spawn,
    kill_group,
    stop_async,
)
from membrane_pusher.redaction import redact_argv

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "MAX_ARGV_BYTES",
    "MAX_ARG_BYTES",
    "CompletedCall",
    "ProcessRunner",
    "check_argv",
]

logger = logging.getLogger(__name__)

# Linux refuses one argv element of MAX_ARG_STRLEN (32 pages) bytes or more,
# counting its terminating NUL.
MAX_ARG_BYTES = 128 * 1024 - 1

# The whole argv shares ARG_MAX (often 2 MiB) with the environment; stay well
# below it so a large environment cannot push a call over the limit.
MAX_ARGV_BYTES = 1024 * 1024

# Options whose value is JSON: a bad character there is named by its JSON path.
_JSON_OPTIONS = {"--input=": "", "--data=": "body"}
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class CompletedCall:
    """What one finished CLI process left behind.

    Attributes:
        argv: The full argv that ran (not redacted: do not log it as is).
        returncode: The exit code; negative when a signal killed the process.
        stdout: Standard output, decoded as UTF-8 (invalid bytes replaced).
        stderr: Standard error, decoded the same way.
        duration_ms: Wall time from start to exit, in milliseconds.
    """

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration_ms: float


def check_argv(argv: Sequence[str]) -> None:
    """Refuse an argv that the kernel would reject or that could be cut short.

    Args:
        argv: The full argv.

    Raises:
        InvalidArgumentsError: When an element contains a NUL character or
            text that cannot be encoded as UTF-8 (a lone surrogate).
        InputTooLargeError: When an element, or the whole argv, is too large.
    """
    total = 0
    for index, element in enumerate(argv):
        if "\x00" in element:
            raise InvalidArgumentsError(
                [
                    (
                        f"argument {index}: contains a NUL character, which no "
                        "command line can carry"
                    )
                ],
                hint="Remove the NUL (\\u0000) characters and call again.",
            )
        try:
            size = len(element.encode("utf-8"))
        except UnicodeEncodeError:
            raise InvalidArgumentsError([_surrogate_problem(index, element)]) from None
        if size > MAX_ARG_BYTES:
            raise InputTooLargeError(
                f"One command-line argument would be {size} bytes; the limit is "
                f"{MAX_ARG_BYTES} bytes (about 128 KiB).",
                hint="Send less data per call, or split it into several calls.",
            )
        total += size + 1
    if total > MAX_ARGV_BYTES:
        raise InputTooLargeError(
            f"The command line would be {total} bytes; the limit is "
            f"{MAX_ARGV_BYTES} bytes.",
            hint="Send less data per call, or split it into several calls.",
        )


def _surrogate_problem(index: int, element: str) -> str:
    """Describe a lone surrogate in an argv element, by JSON path when possible."""
    found = _SURROGATE.search(element)
    code = f"U+{ord(found.group(0)):04X}" if found else "a character"
    problem = (
        f"contains {code}, half of a UTF-16 surrogate pair, which is not valid "
        "Unicode (an emoji cut in two?); remove it or send the whole character"
    )
    return f"{_where(index, element)}: {problem}"


def _where(index: int, element: str) -> str:
    """Name the place of the first lone surrogate in an argv element."""
    for prefix, root in _JSON_OPTIONS.items():
        if not element.startswith(prefix):
            continue
        try:
            value = json.loads(element[len(prefix) :])
        except ValueError:
            break
        path = _surrogate_path(value)
        if path is not None:
            return format_path((root, *path) if root else path)
        break
    if not element.startswith("--") or "=" not in element:
        return f"argument {index}"
    option, _, option_value = element[2:].partition("=")
    name = option_value.partition("=")[0]
    if option == "query" and not _SURROGATE.search(name):
        return format_path((option, name))
    return option


def _surrogate_path(value: Any) -> tuple[Any, ...] | None:
    """Return the path of the first string (or key) holding a lone surrogate."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                if _SURROGATE.search(key):
                    return path
                children.append((child, (*path, key)))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(
                (child, (*path, position))
                for position, child in reversed(list(enumerate(item)))
            )
    return None


class ProcessRunner:
    """Runs CLI processes with timeouts, process groups and a concurrency bound."""

    def __init__(
        self,
        *,
        max_concurrency: int = 8,
        env: Mapping[str, str] | None = None,
    ) -> None:
        """Create the runner.

        Args:
            max_concurrency: The most CLI processes alive at once, sync and
                async calls together.
            env: Variables laid over the current environment for each process.

        Raises:
            ValueError: When `max_concurrency` is below 1.
        """
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.max_concurrency = max_concurrency
        self.env_overlay = dict(env or {})
        self.slots = Slots(max_concurrency)

    def environment(self) -> dict[str, str]:
        """Return the environment of the next process (read at each call)."""
        environment = {**os.environ, **self.env_overlay}
        environment.setdefault("NO_COLOR", "1")
        return environment

    def run(
        self, argv: Sequence[str], *, time_limit: float, label: str
    ) -> CompletedCall:
        """Run one process and wait for it.

        Args:
            argv: The full argv.
            time_limit: Seconds before the process group is killed.
            label: The command's name for logs and errors (`action run`).

        Returns:
            The finished call, whatever its exit code.

        Raises:
            InvalidArgumentsError: An argv element contains a NUL.
            InputTooLargeError: The argv is too large.
            CLINotFoundError: The program cannot be started.
            CLITimeoutError: The process did not finish in time (it was killed).
        """
        check_argv(argv)
        self._log_start(argv)

        with self.slots.hold():
            started = time.monotonic()
            process = self._spawn(argv)
            try:
                stdout, stderr = process.communicate(timeout=time_limit)
            except subprocess.TimeoutExpired:
                kill_group(process.pid)
                drain(process)
                raise _timeout_error(label, time_limit) from None
            except BaseException:
                kill_group(process.pid)
                drain(process)
                raise

        return _completed(argv, started, process.returncode, stdout, stderr)

    async def arun(
        self, argv: Sequence[str], *, time_limit: float, label: str
    ) -> CompletedCall:
        """Run one process from asyncio and wait for it.

        Cancelling the awaiting task kills the process group before the
        cancellation propagates.

        Args:
            argv: The full argv.
            time_limit: Seconds before the process group is killed.
            label: The command's name for logs and errors.

        Returns:
            The finished call, whatever its exit code.

        Raises:
            InvalidArgumentsError: An argv element contains a NUL.
            InputTooLargeError: The argv is too large.
            CLINotFoundError: The program cannot be started.
            CLITimeoutError: The process did not finish in time (it was killed).
        """
        check_argv(argv)
        self._log_start(argv)

        async with self.slots.ahold():
            started = time.monotonic()
            process = await self._aspawn(argv)
            try:
                async with asyncio.timeout(time_limit):
                    stdout, stderr = await process.communicate()
            except TimeoutError:
                await stop_async(process)
                raise _timeout_error(label, time_limit) from None
            except BaseException:
                await stop_async(process)
                raise

        returncode = process.returncode if process.returncode is not None else -1
        return _completed(argv, started, returncode, stdout, stderr)

    async def _aspawn(self, argv: Sequence[str]) -> asyncio.subprocess.Process:
        """Start the process in a new session, even when cancelled meanwhile.

        `create_subprocess_exec` forks first and connects the pipes after; a
        cancellation in between would make asyncio kill the child alone and
        leave its own children running. So the spawn runs shielded in a task
        of its own: if the caller is cancelled, the spawn still finishes, and
        then the whole new process group is killed and the child reaped.
        """
        spawning = asyncio.ensure_future(
            asyncio.create_subprocess_exec(
                *argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env=self.environment(),
            )
        )
        try:
            return await asyncio.shield(spawning)
        except OSError as error:
            raise _not_startable(argv, error) from error
        except BaseException:
            process = await finish_spawn(spawning)
            if process is not None:
                logger.debug(
                    "call stopped while starting; killing group %d", process.pid
                )
                await stop_async(process)
            raise

    def _spawn(self, argv: Sequence[str]) -> subprocess.Popen[bytes]:
        """Start the process in a new session, or explain why it cannot start."""
        try:
            return subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env=self.environment(),
            )
        except OSError as error:
            raise _not_startable(argv, error) from error

    @staticmethod
    def _log_start(argv: Sequence[str]) -> None:
        """Log the redacted argv at DEBUG level."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("membrane argv: %s", redact_argv(argv))


def _completed(
    argv: Sequence[str], started: float, returncode: int, stdout: bytes, stderr: bytes
) -> CompletedCall:
    """Build the record of a finished process."""
    return CompletedCall(
        argv=tuple(argv),
        returncode=returncode,
        stdout=stdout.decode("utf-8", errors="replace"),
        stderr=stderr.decode("utf-8", errors="replace"),
        duration_ms=(time.monotonic() - started) * 1000,
    )


def _timeout_error(label: str, timeout: float) -> CLITimeoutError:
    """Build the error of a call that was killed for taking too long."""
    return CLITimeoutError(
        f"`membrane {label}` did not answer within {timeout:g} s and was stopped.",
        hint="Try again later, or raise the client's timeout if this keeps happening.",
    )


def _not_startable(argv: Sequence[str], error: OSError) -> CLINotFoundError:
    """Build the error of a program that could not be started."""
    return CLINotFoundError(
        f"Cannot start the Membrane CLI {argv[0]!r}: {error.strerror or error}.",
        hint="Install it with `npm install -g @membranehq/cli`, or set "
        "MEMBRANE_CLI to its path or command line.",
    )
