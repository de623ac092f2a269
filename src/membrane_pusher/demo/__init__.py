"""The demo: one agent turn through the whole chain, offline, start to finish.

`run_demo` starts the sandbox (soketi on 127.0.0.1 and the `membrane`
stand-in wired to it), subscribes a real Pusher-protocol WebSocket client to
a demo channel, builds the `PusherToolkit` from an intent, and runs one agent
turn on a natural-language instruction. The event the agent sends travels
tool -> stand-in `membrane request` -> soketi -> the subscriber, and the demo
checks that exactly what the agent sent arrived. Everything is stopped at the
end, also on Ctrl-C or an error.

The modules, one concern each:

- `run`: `run_demo` and its steps;
- `models`: which model runs the turn (given, the user's, the offline one,
  or a scripted call when none can load, labelled as such);
- `check`: did the subscriber get exactly what was sent, and did the model
  follow the instruction's event name;
- `result`: `DemoResult`, whose `to_dict()` is the `--json` form;
- `reporting`: the `DemoReporter` protocol (the library never prints) and
  the wording of the summary.

The names below are imported on first use (see `membrane_pusher.lazy_exports`),
so the command line can read `demo.reporting` without loading the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from membrane_pusher.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from membrane_pusher.demo.reporting import (
        DemoReporter,
        LoggingReporter,
        SilentReporter,
    )
    from membrane_pusher.demo.result import DemoResult
    from membrane_pusher.demo.run import (
        DEFAULT_INTENT,
        DEMO_CHANNEL,
        OFFLINE_MODEL_TOOL_LIMIT,
        default_instruction,
        run_demo,
    )

__all__ = [
    "DEFAULT_INTENT",
    "DEMO_CHANNEL",
    "OFFLINE_MODEL_TOOL_LIMIT",
    "DemoReporter",
    "DemoResult",
    "LoggingReporter",
    "SilentReporter",
    "default_instruction",
    "run_demo",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "DemoReporter": "membrane_pusher.demo.reporting",
        "LoggingReporter": "membrane_pusher.demo.reporting",
        "SilentReporter": "membrane_pusher.demo.reporting",
        "DemoResult": "membrane_pusher.demo.result",
        "DEFAULT_INTENT": "membrane_pusher.demo.run",
        "DEMO_CHANNEL": "membrane_pusher.demo.run",
        "OFFLINE_MODEL_TOOL_LIMIT": "membrane_pusher.demo.run",
        "default_instruction": "membrane_pusher.demo.run",
        "run_demo": "membrane_pusher.demo.run",
    },
)
