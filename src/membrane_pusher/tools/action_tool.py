"""LangChain tools made from Membrane actions.

`action_tool(action, client, connection_id)` returns a `MembraneActionTool`:

* its name is a provider-safe slug of the action key (see `tools.naming`),
  its description is the action's own name and description (control and
  invisible characters removed, length capped);
* the model sees the action's input schema minus Membrane's own keywords
  (`schema.normalize`), and calls are validated against the original schema
  before any process starts;
* the validated argument object is sent to `membrane action run` (or `act`)
  exactly as the model sent it: no defaults, no added nulls;
* an action that ran and failed (API error body, `actionRunId`) becomes a tool
  error with the message, error type and key and what to try next, while a
  missing CLI or an expired login raises;
* `metadata["read_only"]` and `metadata["destructive"]` come from the action's
  Membrane type when it says (`list-data-records` reads, `delete-data-record`
  destroys), else from the verbs of its key or name and its description (see
  `tools.action_kinds.action_flags`: `terminate-user-connections` destroys,
  `get-channel-info` reads); with a `confirm` callback, destructive actions
  run only when it approves (the gate of `ValidatedTool`);
* an optional `argument_check`, given by whoever builds the tool (a toolkit
  that knows the service's rules), may refuse a valid call after the schema
  check and before confirmation, so a refused call starts no process.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import Field

from membrane_pusher.errors import ActionFailedError, ConfigurationError
from membrane_pusher.json_text import HIDDEN_CHARACTERS
from membrane_pusher.schema.normalize import model_facing_schema
from membrane_pusher.schema.shape import schema_shape_problem
from membrane_pusher.tools.action_kinds import (
    DESTRUCTIVE_ACTION_TYPES,
    READ_ONLY_ACTION_TYPES,
    action_flags,
)
from membrane_pusher.tools.base import ValidatedTool
from membrane_pusher.tools.naming import slugify, tool_name
from membrane_pusher.tools.results import ToolOutcome

if TYPE_CHECKING:
    from membrane_pusher.membrane.models import Action
    from membrane_pusher.tools.confirmation import ConfirmCallback

__all__ = [
    "DESTRUCTIVE_ACTION_TYPES",
    "READ_ONLY_ACTION_TYPES",
    "ActionRunner",
    "ArgumentCheck",
    "MembraneActionTool",
    "action_flags",
    "action_tool",
    "describe_action",
]

logger = logging.getLogger(__name__)

MAX_DESCRIPTION_CHARS = 1024

_SPACES = re.compile(r"\s+")

ArgumentCheck = Callable[[str, Mapping[str, Any]], None]
"""`(tool_name, arguments) -> None`: raises a `CallError` (usually
`InvalidArgumentsError`) to refuse a call whose arguments fit the schema."""

_NEXT_STEPS = {
    "bad_request": "Check the arguments against the message, fix them and call again.",
    "validation": "Check the arguments against the message, fix them and call again.",
    "not_found": "An id or name in the arguments does not exist: look it up first.",
    "unauthorized": "The connection lacks access; tell the user to reconnect it.",
    "forbidden": "The connection lacks permission; tell the user, do not retry.",
    "rate_limit": "The app is rate-limiting: wait a little before calling again.",
    "too_many_requests": "The app is rate-limiting: wait before calling again.",
}
_DEFAULT_NEXT_STEP = (
    "If the message points at an argument, fix it and call again; otherwise "
    "report the failure and its actionRunId to the user instead of retrying."
)


class ActionRunner(Protocol):
    """What an action tool needs from `MembraneClient`."""

    def run_action(
        self,
        action_id: str,
        connection_id: str,
        arguments: Mapping[str, Any],
        /,
        *,
        form: Literal["run", "act"] = "run",
    ) -> Any:
        """Run an action and return its `RunResult`."""
        ...

    async def arun_action(
        self,
        action_id: str,
        connection_id: str,
        arguments: Mapping[str, Any],
        /,
        *,
        form: Literal["run", "act"] = "run",
    ) -> Any:
        """Run an action without blocking and return its `RunResult`."""
        ...


class MembraneActionTool(ValidatedTool):
    """A tool that runs one Membrane action on one connection."""

    client: Any = Field(exclude=True)
    """The `MembraneClient` (anything with `run_action` and `arun_action`)."""

    action_id: str
    connection_id: str
    form: Literal["run", "act"] = "run"

    argument_check: ArgumentCheck | None = Field(default=None, exclude=True)
    """Refuses calls the schema allows but the service must not get."""

    @property
    def destructive(self) -> bool:
        """Whether the action destroys something (see `action_flags`)."""
        return (self.metadata or {}).get("destructive") is True

    def check_rules(self, arguments: dict[str, Any]) -> None:
        """Run the `argument_check`, if any, on the validated arguments.

        Raises:
            CallError: When the check refuses the call; nothing is run.
        """
        if self.argument_check is not None:
            self.argument_check(self.name, arguments)

    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        """Run the action (sync)."""
        try:
            result = self.client.run_action(
                self.action_id, self.connection_id, arguments, form=self.form
            )
        except ActionFailedError as error:
            raise _with_next_step(error) from None
        return _outcome(result)

    async def _aexecute(self, arguments: dict[str, Any]) -> ToolOutcome:
        """Run the action (native async)."""
        try:
            result = await self.client.arun_action(
                self.action_id, self.connection_id, arguments, form=self.form
            )
        except ActionFailedError as error:
            raise _with_next_step(error) from None
        return _outcome(result)


def action_tool(
    action: Action,
    client: ActionRunner,
    connection_id: str,
    *,
    name: str | None = None,
    form: Literal["run", "act"] = "run",
    repair: bool = False,
    max_output_chars: int = 4000,
    confirm: ConfirmCallback | None = None,
    argument_check: ArgumentCheck | None = None,
) -> MembraneActionTool:
    """Build the tool for one Membrane action.

    Args:
        action: The action, with its `inputSchema` (missing means no arguments).
        client: The `MembraneClient` that runs it.
        connection_id: The connection the action runs on.
        name: A name to use instead of the slug of the action key (made safe).
        form: `"run"` for `membrane action run`, `"act"` for `membrane act`.
        repair: Whether to try safe argument repairs before refusing a call.
        max_output_chars: Longest content shown to the model.
        confirm: Asked `(tool_name, arguments) -> bool` before a destructive
            action runs (see `action_flags`); may be async.
        argument_check: Called with the tool's name and the validated
            arguments before confirmation; raises a `CallError` to refuse.

    Returns:
        The tool; `metadata` holds `membrane_action_id`, `membrane_action_key`,
        `connection_id`, `read_only` and `destructive`.

    Raises:
        ConfigurationError: The action's `inputSchema` is malformed (see
            `membrane_pusher.schema.shape`): no call to it could be checked.
    """
    problem = schema_shape_problem(action.input_schema)
    if problem:
        raise ConfigurationError(
            f"Membrane action {action.key or action.id} has a malformed "
            f"inputSchema ({problem}), so it cannot become a tool.",
            hint="Leave the action out, or fix its schema in Membrane.",
        )
    original = action.input_schema if isinstance(action.input_schema, dict) else None
    tool = MembraneActionTool(
        name=slugify(name) if name else tool_name(action),
        description=describe_action(action),
        args_schema=model_facing_schema(original),
        validation_schema=original or {"type": "object"},
        client=client,
        action_id=action.id,
        connection_id=connection_id,
        form=form,
        repair=repair,
        max_output_chars=max_output_chars,
        confirm=confirm,
        argument_check=argument_check,
        metadata={
            "membrane_action_id": action.id,
            "membrane_action_key": action.key,
            "connection_id": connection_id,
            **action_flags(action),
        },
    )
    logger.debug("tool %s built for action %s", tool.name, action.id)
    return tool


def describe_action(action: Action) -> str:
    """The action's own name and description, cleaned and capped for the model."""
    title = _clean(action.name or action.key or action.id)
    body = _clean(action.description or "")
    if body and body.lower() != title.lower():
        text = f"{title}: {body}" if title else body
    else:
        text = title
    if len(text) > MAX_DESCRIPTION_CHARS:
        text = text[: MAX_DESCRIPTION_CHARS - 3].rstrip() + "..."
    return text or "Run a Membrane action."


def _clean(text: str) -> str:
    return _SPACES.sub(" ", HIDDEN_CHARACTERS.sub(" ", text)).strip()


def _outcome(result: Any) -> ToolOutcome:
    """The whole output and the run id, from a `RunResult` (or a plain mapping)."""
    if isinstance(result, Mapping):
        output = result.get("output")
        run_id = result.get("actionRunId")
    else:
        output = getattr(result, "output", None)
        run_id = getattr(result, "action_run_id", None)
    return ToolOutcome(output=output, details={"actionRunId": run_id})


def _with_next_step(error: ActionFailedError) -> ActionFailedError:
    """Give the model a concrete next step when the client did not."""
    if not error.hint:
        key = (error.error_key or error.error_type or "").lower()
        error.hint = _NEXT_STEPS.get(key, _DEFAULT_NEXT_STEP)
    return error
