"""The package's error tree.

Every error carries a short ``message`` (what went wrong) and a ``hint`` (what to
do next). Messages never contain secrets: build them from redacted text only.

```
MembranePusherError
├── SetupError                  the environment is broken; raised, never shown
│   │                           to the model as something it could fix
│   ├── CLINotFoundError        no `membrane` executable could be found
│   ├── NotLoggedInError        the CLI has no valid login
│   ├── ConnectionNotReadyError the connection is not READY (may carry a URL)
│   ├── ConfigurationError      a required setting is missing or malformed
│   └── SandboxError            the local sandbox cannot be installed or run
└── CallError                   one call failed; tools turn these into
    │                           `ToolException` so the model can react
    ├── InvalidArgumentsError   arguments broke the schema or Pusher's rules
    ├── CommandFailedError      the CLI exited non-zero without a known cause
    │   ├── NotFoundError       the id or path named does not exist
    │   └── ActionFailedError   the action ran and reported an API error
    ├── CLITimeoutError         the CLI did not answer in time (killed)
    ├── OutputParseError        the CLI or the server answered unreadably
    ├── InputTooLargeError      an input does not fit in one argv element
    ├── ConfirmationDeniedError a destructive call was not confirmed
    └── PusherAPIError          Pusher (or the proxy) refused the request
```

`CallError.retryable` says whether the same call may succeed later unchanged.
Each class has a default (`CLITimeoutError` and `OutputParseError` are
retryable, the others are not) and each instance may override it, for example a
`CommandFailedError` whose output names a network failure. `SetupError` always
needs a person.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ActionFailedError",
    "CLINotFoundError",
    "CLITimeoutError",
    "CallError",
    "CommandFailedError",
    "ConfigurationError",
    "ConfirmationDeniedError",
    "ConnectionNotReadyError",
    "InputTooLargeError",
    "InvalidArgumentsError",
    "MembranePusherError",
    "NotFoundError",
    "NotLoggedInError",
    "OutputParseError",
    "PusherAPIError",
    "SandboxError",
    "SetupError",
    "fix_arguments_hint",
]


class MembranePusherError(Exception):
    """Base class of every error this package raises on purpose."""

    kind: ClassVar[str] = "error"
    """A stable, machine-readable name used in JSON error envelopes."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        """Create the error.

        Args:
            message: What went wrong, already redacted.
            hint: What to do next, already redacted.
        """
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        """Return the message followed by the hint."""
        if not self.hint:
            return self.message
        return f"{self.message} {self.hint}"

    def to_dict(self) -> dict[str, Any]:
        """Return the `{"type", "message", "hint"}` envelope used by `--json`."""
        return {"type": self.kind, "message": self.message, "hint": self.hint}


class SetupError(MembranePusherError):
    """The environment needs a person: install, log in, connect or configure."""

    kind = "setup_error"


class CLINotFoundError(SetupError):
    """No `membrane` executable was found (env `MEMBRANE_CLI`, PATH, or npx)."""

    kind = "cli_not_found"


class NotLoggedInError(SetupError):
    """The Membrane CLI reports that it is not logged in."""

    kind = "not_logged_in"


class ConnectionNotReadyError(SetupError):
    """The connection exists but is not READY; `url` is where the user fixes it."""

    kind = "connection_not_ready"

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        connection_id: str | None = None,
        state: str | None = None,
        url: str | None = None,
    ) -> None:
        """Create the error.

        Args:
            message: What went wrong.
            hint: What to do next.
            connection_id: The connection concerned, when known.
            state: Its state as Membrane reports it.
            url: The `clientAction` URL the user must open, when given.
        """
        super().__init__(message, hint=hint)
        self.connection_id = connection_id
        self.state = state
        self.url = url

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON envelope, with the connection details."""
        return {
            **super().to_dict(),
            "connection_id": self.connection_id,
            "state": self.state,
            "url": self.url,
        }


class ConfigurationError(SetupError):
    """A required setting (app id, credentials, URL) is missing or malformed."""

    kind = "configuration_error"


class SandboxError(SetupError):
    """The sandbox could not be installed, started, or found."""

    kind = "sandbox_error"


class CallError(MembranePusherError):
    """One call failed in a way the caller (often the model) can act on."""

    kind = "call_error"

    retryable: bool = False
    """Whether the same call may succeed later unchanged (class default)."""

    def __init__(
        self, message: str, *, hint: str = "", retryable: bool | None = None
    ) -> None:
        """Create the error.

        Args:
            message: What went wrong, already redacted.
            hint: What to do next, already redacted.
            retryable: Overrides the class's `retryable` for this error.
        """
        super().__init__(message, hint=hint)
        if retryable is not None:
            self.retryable = retryable


def fix_arguments_hint(tool: str | None = None) -> str:
    """The one wording of what to do after invalid arguments.

    Args:
        tool: The tool (or operation) whose arguments were refused, when known.

    Returns:
        A hint saying that nothing was sent and how to go on.
    """
    whose = f"the arguments of {tool}" if tool else "the arguments"
    return f"Nothing was sent. Fix {whose} as the lines above say and call again."


class InvalidArgumentsError(CallError):
    """Arguments broke the tool's schema or one of Pusher's rules.

    `problems` holds one line per problem, each starting with a JSON path.
    Raised before anything is sent.
    """

    kind = "invalid_arguments"

    def __init__(
        self, problems: list[str], *, hint: str = "", tool: str | None = None
    ) -> None:
        """Create the error.

        Args:
            problems: One human-readable line per problem.
            hint: What to do next; `fix_arguments_hint(tool)` when empty.
            tool: The tool whose arguments were refused, when known.
        """
        message = "Invalid arguments:\n" + "\n".join(f"- {p}" for p in problems)
        super().__init__(message, hint=hint or fix_arguments_hint(tool))
        self.problems = problems
        self.tool = tool

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON envelope, with the list of problems."""
        return {**super().to_dict(), "problems": self.problems}


class CommandFailedError(CallError):
    """The CLI exited non-zero; `exit_code` and a redacted `stderr` excerpt."""

    kind = "command_failed"

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        exit_code: int | None = None,
        stderr: str = "",
        retryable: bool | None = None,
    ) -> None:
        """Create the error.

        Args:
            message: What went wrong.
            hint: What to do next.
            exit_code: The process exit code (negative for a signal).
            stderr: A redacted excerpt of the process's stderr.
            retryable: Whether the failure is transient (a network error, a
                rate limit); not retryable when omitted.
        """
        super().__init__(message, hint=hint, retryable=retryable)
        self.exit_code = exit_code
        self.stderr = stderr


class NotFoundError(CommandFailedError):
    """The connection, action or path named does not exist."""

    kind = "not_found"


class ActionFailedError(CommandFailedError):
    """The action ran and failed; carries Membrane's API error body."""

    kind = "action_failed"

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        exit_code: int | None = None,
        stderr: str = "",
        error_type: str | None = None,
        error_key: str | None = None,
        data: Any = None,
        action_run_id: str | None = None,
    ) -> None:
        """Create the error.

        Args:
            message: The API error's message.
            hint: What to do next.
            exit_code: The process exit code.
            stderr: A redacted excerpt of stderr.
            error_type: The API error `type` (for example `bad_request`).
            error_key: The API error `key` (for example `not_found`).
            data: The API error `data`, redacted.
            action_run_id: The run's id, for `membrane action-run-log get`.
        """
        super().__init__(message, hint=hint, exit_code=exit_code, stderr=stderr)
        self.error_type = error_type
        self.error_key = error_key
        self.data = data
        self.action_run_id = action_run_id

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON envelope, with the API error fields."""
        return {
            **super().to_dict(),
            "error_type": self.error_type,
            "error_key": self.error_key,
            "data": self.data,
            "action_run_id": self.action_run_id,
        }


class CLITimeoutError(CallError):
    """The CLI did not answer within the timeout; its process group was killed."""

    kind = "timeout"
    retryable = True


class OutputParseError(CallError):
    """The CLI answered, but its output could not be parsed.

    Retryable by default: cut or foreign output (a gateway's HTML page) is
    usually a passing fault.
    """

    kind = "unparseable_output"
    retryable = True


class InputTooLargeError(CallError):
    """An input is too large for one command-line argument (about 128 KiB)."""

    kind = "input_too_large"


class ConfirmationDeniedError(CallError):
    """A destructive call needed confirmation and did not get it."""

    kind = "confirmation_denied"


class PusherAPIError(CallError):
    """Pusher (directly or through the proxy) refused or failed the request."""

    kind = "pusher_api_error"

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        status: int | None = None,
        body: Any = None,
        retryable: bool = False,
    ) -> None:
        """Create the error.

        Args:
            message: Pusher's message, redacted.
            hint: What to do next.
            status: The HTTP status, or the `code` of an error body sent with 200.
            body: The parsed response body, redacted.
            retryable: Whether the same request may succeed later (5xx, network).
        """
        super().__init__(message, hint=hint, retryable=retryable)
        self.status = status
        self.body = body

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON envelope, with the status."""
        return {**super().to_dict(), "status": self.status}
