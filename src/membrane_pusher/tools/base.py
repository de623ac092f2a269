"""The base class of every tool: validate, run, shape the result.

`ValidatedTool` is a LangChain `BaseTool` whose arguments are a JSON-Schema
object. It differs from `StructuredTool` with a dict `args_schema` in three ways:

* arguments are validated against the original schema before anything runs;
* the validated argument object is passed to `_execute` as one value, never as
  Python keyword arguments, so names such as `self`, `config`, `run_manager`
  or `callbacks` reach the remote side unchanged;
* results use `response_format="content_and_artifact"`: the model sees compact
  JSON, the artifact keeps the whole result.

Failures the model can fix (`CallError`) become `ToolException`, which LangChain
turns into a `ToolMessage` with status `error`; `SetupError` propagates.

A call runs in this order and stops at the first failure: map a
provider-form call back to the original names and shape (a tool bound with
`for_provider("anthropic")` or `for_provider("openai", strict=True)`), validate
against the schema (with opt-in repairs), the subclass's own `check_rules`,
the confirmation gate, then `_execute`.

The confirmation gate is the package's only one. A call for which
`needs_confirmation` is true (by default: `metadata["destructive"]`) runs only
when the tool's `confirm` callback approves it; a refusal is a
`ConfirmationDeniedError` the model sees, and nothing is sent. A tool without
a callback runs such calls unasked: confirmation is opt-in for library users
(`PusherToolkit(confirm=...)`, `run_agent_turn(confirm=...)`), and the command
line always gives one.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, get_args

from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, ToolException
from pydantic import ConfigDict, Field, PrivateAttr

from membrane_pusher.errors import CallError, InvalidArgumentsError
from membrane_pusher.json_text import JSONInputError, json_kind, loads_strict
from membrane_pusher.json_values import printable_copy
from membrane_pusher.schema.repair import repair_arguments
from membrane_pusher.schema.validate import (
    ArgumentValidator,
    arguments_error,
    get_validator,
)
from membrane_pusher.tools.confirmation import (
    ConfirmCallback,
    aconfirm_call,
    confirm_call,
)
from membrane_pusher.tools.provider_names import in_provider_names
from membrane_pusher.tools.results import ToolOutcome, error_content, shape_result

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

__all__ = ["ValidatedTool"]

logger = logging.getLogger(__name__)

# The tool formats `for_provider` maps calls back from.
ProviderForm = Literal["openai", "anthropic", "gemini", "mcp"]
_PROVIDER_FORMS: tuple[str, ...] = get_args(ProviderForm)


class ValidatedTool(BaseTool):
    """A tool with a JSON-Schema argument object, validated before it runs.

    Subclasses implement `_execute` and `_aexecute`, which receive the validated
    arguments as one dict and return a `ToolOutcome`; they may extend
    `check_rules` (checks beyond the schema) and `needs_confirmation` (which
    calls the `confirm` callback is asked about).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    args_schema: dict[str, Any] = Field(default_factory=dict)
    """The schema the model sees (cleaned of vendor keywords)."""

    validation_schema: dict[str, Any] = Field(default_factory=dict)
    """The original schema that arguments are validated against."""

    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"
    handle_tool_error: bool = True

    max_output_chars: int = 4000
    """Longest tool content shown to the model; the artifact keeps everything."""

    repair: bool = False
    """Whether safe repairs (JSON text for objects/arrays, "3" for 3) are tried."""

    provider_form: ProviderForm | None = None
    """The provider form calls arrive in; they are mapped back before validation."""

    provider_strict: bool = False
    """Whether calls arrive in OpenAI strict form (nulls for omitted fields)."""

    confirm: ConfirmCallback | None = Field(default=None, exclude=True)
    """Asked before a call that `needs_confirmation`; `None` runs it unasked."""

    _validator: ArgumentValidator | None = PrivateAttr(default=None)

    @property
    def args(self) -> dict[str, Any]:
        """The argument properties (empty for tools without arguments)."""
        properties = self.args_schema.get("properties", {})
        return properties if isinstance(properties, dict) else {}

    @property
    def validator(self) -> ArgumentValidator:
        """The compiled validator of `validation_schema` (built once)."""
        if self._validator is None:
            schema = self.validation_schema or self.args_schema
            self._validator = get_validator(schema or {"type": "object"})
        return self._validator

    def for_provider(
        self,
        provider: ProviderForm,
        *,
        strict: bool = False,
    ) -> Self:
        """Return a copy that accepts calls in a provider's form.

        Use it with the matching `membrane_pusher.formats.to_*_tool` output:
        renamed Anthropic keys are mapped back, Gemini's JSON text for values
        its subset cannot declare is parsed, and with OpenAI `strict=True`
        the nulls sent for fields that were optional (and not nullable) are
        dropped, before the original schema validates the call.

        Args:
            provider: The provider whose tool format was given to the model.
            strict: Whether the OpenAI form was built with `strict=True`.

        Returns:
            A new tool; this one is unchanged.

        Raises:
            ValueError: `provider` is not one of the four.
        """
        if provider not in _PROVIDER_FORMS:
            choices = ", ".join(_PROVIDER_FORMS)
            msg = f"unknown provider {provider!r}; use one of {choices}"
            raise ValueError(msg)
        update = {"provider_form": provider, "provider_strict": strict}
        return self.model_copy(update=update)

    def with_confirm(self, confirm: ConfirmCallback | None) -> Self:
        """Return a copy whose calls needing confirmation ask `confirm`.

        Args:
            confirm: `(tool_name, arguments) -> bool`, plain or async; `None`
                lets such calls run unasked.

        Returns:
            A new tool; this one is unchanged.
        """
        return self.model_copy(update={"confirm": confirm})

    def needs_confirmation(self, arguments: dict[str, Any]) -> bool:
        """Tell whether this call must be approved before it runs.

        Args:
            arguments: The validated arguments.

        Returns:
            `metadata["destructive"]`; subclasses may judge each call.
        """
        del arguments
        return (self.metadata or {}).get("destructive") is True

    def check_rules(self, arguments: dict[str, Any]) -> None:
        """Check what the schema cannot say, before anyone is asked or anything sent.

        Called at the end of `prepare_arguments` with the validated arguments;
        does nothing here. Subclasses raise a `CallError` (usually
        `InvalidArgumentsError`) or a `SetupError`.
        """

    def invoke(
        self,
        input: Any,  # noqa: A002 - LangChain's name for it
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run the tool; a tool call whose `args` is not an object gets an error.

        LangChain expects a tool call's `args` to be a dict and fails on
        anything else; models do send `null` or the arguments as JSON text.
        """
        call, refusal = self._readable_call(input)
        if refusal is not None:
            return refusal
        return super().invoke(call, config, **kwargs)

    async def ainvoke(
        self,
        input: Any,  # noqa: A002 - LangChain's name for it
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> Any:
        """Async `invoke`, with the same handling of malformed tool calls."""
        call, refusal = self._readable_call(input)
        if refusal is not None:
            return refusal
        return await super().ainvoke(call, config, **kwargs)

    def _readable_call(self, value: Any) -> tuple[Any, ToolMessage | None]:
        """Parse a tool call's text `args`, or answer a call whose `args` is no object.

        Arguments Python cannot print (LangChain prints them for its callbacks
        before the tool runs) get `Withheld` markers, which validation refuses
        with their paths.

        Returns:
            The input to run (unchanged unless it held JSON text or something
            unprintable), and the error reply when the call cannot run.
        """
        is_call = isinstance(value, dict) and value.get("type") == "tool_call"
        if not is_call:
            return printable_copy(value), None
        raw = value.get("args")
        if isinstance(raw, dict):
            printable = printable_copy(raw)
            return (value if printable is raw else {**value, "args": printable}), None

        try:
            if isinstance(raw, str):
                return {**value, "args": _parse_string_input(raw, self.name)}, None
            raise _not_an_object(f"got {json_kind(raw)}", self.name)
        except ToolException as error:
            reply = ToolMessage(
                content=str(error),
                tool_call_id=str(value.get("id") or ""),
                name=self.name,
                status="error",
            )
            return value, reply

    def _to_args_and_kwargs(
        self, tool_input: str | dict[str, Any], tool_call_id: str | None
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """Pass the whole argument object as one positional value."""
        del tool_call_id
        if isinstance(tool_input, str):
            return (_parse_string_input(tool_input, self.name),), {}
        if isinstance(tool_input, Mapping):
            return (dict(tool_input),), {}
        raise _not_an_object(f"got {json_kind(tool_input)}", self.name)

    def prepare_arguments(self, arguments: Any) -> tuple[dict[str, Any], list[str]]:
        """Validate (and, in subclasses, repair) arguments before a call.

        Args:
            arguments: The argument object as the model sent it.

        Returns:
            The arguments to send, unchanged unless repaired, and one note per
            repair made.

        Values JSON cannot carry (`NaN`, `Infinity`, nesting deeper than
        `membrane_pusher.json_text.MAX_DEPTH`) are refused whatever the schema
        says: the validator finds them first, for every tool.

        Raises:
            InvalidArgumentsError: When the arguments are not valid (the
                problems of the arguments as sent, even when a repair failed),
                named as the provider's form names them, or break a rule of
                `check_rules`.
        """
        if self.provider_form is not None:
            # Provider formats load only when a tool is exported to one, so a
            # plain LangChain toolkit does not carry them in memory.
            from membrane_pusher.formats.mapping import (  # noqa: PLC0415
                from_provider_arguments,
            )

            arguments = from_provider_arguments(
                self, self.provider_form, arguments, strict=self.provider_strict
            )
        try:
            prepared = self._validated(arguments)
            self.check_rules(prepared[0])
        except InvalidArgumentsError as error:
            problems = in_provider_names(self, self.provider_form, error.problems)
            if problems is error.problems:
                raise
            raise InvalidArgumentsError(
                problems, hint=error.hint, tool=error.tool
            ) from None
        return prepared

    def _validated(self, arguments: Any) -> tuple[dict[str, Any], list[str]]:
        """Validate against the schema, repairing when allowed."""
        problems = self.validator.problems(arguments)
        if not problems:
            return arguments, []

        if self.repair:
            repaired = repair_arguments(arguments, self.validator)
            if repaired is not None:
                return repaired
        raise arguments_error(problems, tool=self.name)

    def _run(self, arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Validate, confirm, execute and shape the result (sync)."""
        try:
            sent, notes = self.prepare_arguments(arguments)
            if self.confirm is not None and self.needs_confirmation(sent):
                confirm_call(self.confirm, self.name, sent)
            outcome = self._execute(sent)
        except CallError as error:
            raise ToolException(error_content(error)) from error
        return shape_result(outcome, notes, max_chars=self.max_output_chars)

    async def _arun(self, arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Validate, confirm, execute and shape the result (native async)."""
        try:
            sent, notes = self.prepare_arguments(arguments)
            if self.confirm is not None and self.needs_confirmation(sent):
                await aconfirm_call(self.confirm, self.name, sent)
            outcome = await self._aexecute(sent)
        except CallError as error:
            raise ToolException(error_content(error)) from error
        return shape_result(outcome, notes, max_chars=self.max_output_chars)

    @abstractmethod
    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        """Run the call with validated arguments (sync)."""

    @abstractmethod
    async def _aexecute(self, arguments: dict[str, Any]) -> ToolOutcome:
        """Run the call with validated arguments (async)."""


def _parse_string_input(text: str, tool_name: str) -> dict[str, Any]:
    """Accept a JSON object given as a string, as some agents send it."""
    try:
        value = loads_strict(text)
    except JSONInputError as error:
        raise _not_an_object(
            f"got text that is not JSON ({error})", tool_name
        ) from None
    if isinstance(value, dict):
        return value
    raise _not_an_object(f"got JSON text holding {json_kind(value)}", tool_name)


def _not_an_object(received: str, tool_name: str) -> ToolException:
    """The tool error for an input that is not an argument object."""
    problem = f"$: expected a JSON object of arguments, {received}"
    error = InvalidArgumentsError([problem], tool=tool_name)
    return ToolException(error_content(error))
