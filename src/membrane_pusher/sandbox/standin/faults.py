"""Faults the tests ask for: rules in `faults.json`, matched against each call.

A rule is a JSON object:

* `command`: command words matched as a prefix (`"action"` matches
  `action run` and `action list`; `"*"` matches everything);
* `times`: how many calls it applies to (`null` or absent: every call);
* one effect: `exit_code` with `stdout` / `stderr`; `not_logged_in`; `garbage`;
  `truncated_json`; `sleep` (seconds, optionally `spawn_children`: N helper
  processes that sleep as long); `huge_bytes` (N); `signal` (a number);
  `api_error` (an API error body printed on stdout, exit 1).

`sleep` delays the normal answer; every other effect replaces it. Calls are
recorded before a fault applies, so a test can count attempts.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from membrane_pusher.sandbox.standin.answers import Answer, new_id, not_logged_in
from membrane_pusher.sandbox.standin.state import CHILDREN_FILE, Store

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["apply_fault", "take_fault"]


def take_fault(store: Store, command: str) -> dict[str, Any] | None:
    """Return the first rule matching `command`, counting one use of it."""
    words = command.split()
    with store.locked():
        rules = store.faults()
        for index, rule in enumerate(rules):
            if not _matches(rule, words):
                continue
            times = rule.get("times")
            if times is None:
                return rule
            if not isinstance(times, int) or times <= 0:
                continue
            rules[index] = {**rule, "times": times - 1}
            store.save_faults(rules)
            return rule
    return None


def apply_fault(  # noqa: PLR0911 - one return per kind of fault
    rule: dict[str, Any], store: Store, command: str, produce: Callable[[], Answer]
) -> Answer:
    """Return the answer of a call that a rule matched (may never return).

    Args:
        rule: The matched rule.
        store: The workspace, to note helper process ids.
        command: The command words of the call.
        produce: Computes the normal answer (with its side effects); called
            only by effects that need it (`sleep`, `truncated_json`,
            `huge_bytes`).
    """
    if "sleep" in rule:
        seconds = float(rule["sleep"])
        _spawn_children(store, int(rule.get("spawn_children", 0)), seconds)
        time.sleep(seconds)
        return produce()

    if "signal" in rule:
        sys.stdout.flush()
        os.kill(os.getpid(), int(rule["signal"]))
        time.sleep(5)  # a catchable signal may take a moment to arrive
        return Answer(1, "", "signal did not stop the process\n")

    if rule.get("not_logged_in"):
        return not_logged_in()
    if rule.get("garbage"):
        return Answer(0, "<html>502 Bad Gateway</html>\n\x1b[31m{{{ not json\n", "")
    if rule.get("truncated_json"):
        text = produce().stdout or '{"items": [{"id": "con_1"}], "cursor": null}'
        return Answer(0, text[: max(1, len(text) // 2)], "")
    if "huge_bytes" in rule:
        return _huge(produce(), command, int(rule["huge_bytes"]))
    if "api_error" in rule:
        body = dict(rule["api_error"])
        if command in {"action run", "act"}:
            body.setdefault("actionRunId", new_id("arl"))
        message = body.get("message", "API error")
        return Answer(1, json.dumps(body) + "\n", f"Error: {message}\n")

    exit_code = int(rule.get("exit_code", 1))
    return Answer(exit_code, str(rule.get("stdout", "")), str(rule.get("stderr", "")))


def _matches(rule: dict[str, Any], words: list[str]) -> bool:
    """Tell whether a rule's command words are a prefix of the call's."""
    wanted = str(rule.get("command", "*")).split()
    if wanted == ["*"]:
        return True
    return words[: len(wanted)] == wanted


def _huge(answer: Answer, command: str, size: int) -> Answer:
    """Return a valid but huge answer of about `size` bytes."""
    if command in {"action run", "act"}:
        body = {"output": "x" * size, "actionRunId": new_id("arl")}
        return Answer(0, json.dumps(body) + "\n", "")
    # JSON allows any amount of trailing white space: the shape stays the same.
    return Answer(answer.exit_code, answer.stdout + " " * size + "\n", answer.stderr)


def _spawn_children(store: Store, count: int, seconds: float) -> None:
    """Start helper processes in this process group and note their ids."""
    if count <= 0:
        return
    import subprocess  # noqa: PLC0415 - only this fault needs it; keeps start-up fast

    children = [
        subprocess.Popen(
            [sys.executable, "-c", f"import time; time.sleep({seconds!r})"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    store.record(
        {"pid": os.getpid(), "children": [child.pid for child in children]},
        CHILDREN_FILE,
    )
