"""The one confirmation gate and the `check_rules` hook of every validated tool."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import Field

from membrane_pusher.errors import ConfirmationDeniedError, InvalidArgumentsError
from membrane_pusher.tools.base import ValidatedTool
from membrane_pusher.tools.errors_content import parse_error_content
from membrane_pusher.tools.results import ToolOutcome, error_content


class DeleteTool(ValidatedTool):
    """A destructive tool that records its runs; `keep` items are never deleted."""

    name: str = "delete_item"
    description: str = "Delete an item."
    args_schema: dict[str, Any] = Field(
        default_factory=lambda: {
            "type": "object",
            "properties": {"id": {"type": "string"}, "dry": {"type": "boolean"}},
            "required": ["id"],
        }
    )
    metadata: dict[str, Any] | None = Field(
        default_factory=lambda: {"destructive": True}
    )
    runs: list[dict[str, Any]] = Field(default_factory=list)

    def check_rules(self, arguments: dict[str, Any]) -> None:
        if arguments["id"].startswith("keep"):
            raise InvalidArgumentsError(["id: items named keep* cannot be deleted"])

    def needs_confirmation(self, arguments: dict[str, Any]) -> bool:
        return not arguments.get("dry")

    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        self.runs.append(arguments)
        return ToolOutcome({"deleted": arguments["id"]})

    async def _aexecute(self, arguments: dict[str, Any]) -> ToolOutcome:
        return self._execute(arguments)


def run(tool: ValidatedTool, args: dict[str, Any]) -> Any:
    return tool.invoke(
        {"type": "tool_call", "id": "1", "name": tool.name, "args": args}
    )


def error_type(message: Any) -> str:
    assert message.status == "error", message.content
    return str(json.loads(message.content)["error"]["type"])


def test_without_a_callback_a_destructive_call_runs():
    tool = DeleteTool()

    message = run(tool, {"id": "a"})

    assert message.status == "success"
    assert tool.runs == [{"id": "a"}]


@pytest.mark.parametrize(("answer", "ran"), [(True, True), (False, False)])
def test_the_callback_is_asked_once_with_the_validated_call(answer, ran):
    asked: list[tuple[str, dict[str, Any]]] = []
    tool = DeleteTool().with_confirm(lambda n, a: asked.append((n, a)) or answer)

    message = run(tool, {"id": "a"})

    assert asked == [("delete_item", {"id": "a"})]
    assert bool(tool.runs) is ran
    if not ran:
        assert error_type(message) == "confirmation_denied"


@pytest.mark.parametrize("answer", ["no", "n", "yes", 1, [True], None])
def test_only_true_itself_approves(answer):
    # Arrange: what a bare `input()` or a careless callback would return
    tool = DeleteTool().with_confirm(lambda _name, _arguments: answer)

    # Act
    message = run(tool, {"id": "a"})

    # Assert
    assert error_type(message) == "confirmation_denied"
    assert tool.runs == []


async def test_an_async_callback_answering_text_is_a_refusal():
    # Arrange
    async def confirm(name: str, arguments: dict[str, Any]) -> Any:
        return "no"

    tool = DeleteTool().with_confirm(confirm)

    # Act
    message = await tool.ainvoke(
        {"type": "tool_call", "id": "1", "name": tool.name, "args": {"id": "a"}}
    )

    # Assert
    assert error_type(message) == "confirmation_denied"
    assert tool.runs == []


def test_with_confirm_leaves_the_original_unasked():
    original = DeleteTool()

    gated = original.with_confirm(lambda *_: False)

    assert original.confirm is None
    assert run(original, {"id": "a"}).status == "success"
    assert error_type(run(gated, {"id": "b"})) == "confirmation_denied"


def test_the_tool_judges_each_call():
    def never(*_args: Any) -> bool:
        raise AssertionError("asked about a dry run")

    tool = DeleteTool(confirm=never)

    assert run(tool, {"id": "a", "dry": True}).status == "success"


@pytest.mark.parametrize(
    ("args", "kind"),
    [({"id": 3}, "invalid_arguments"), ({"id": "keep-1"}, "invalid_arguments")],
)
def test_schema_and_rules_come_before_the_question(args, kind):
    def never(*_args: Any) -> bool:
        raise AssertionError("asked about an invalid call")

    tool = DeleteTool(confirm=never)

    assert error_type(run(tool, args)) == kind
    assert tool.runs == []


def test_rules_run_on_provider_form_calls_too():
    tool = DeleteTool().for_provider("openai", strict=True)

    message = run(tool, {"id": "keep-2", "dry": None})

    assert "keep*" in json.loads(message.content)["error"]["message"]


def test_an_async_callback_from_a_sync_call_is_run_to_completion():
    async def approve(*_args: Any) -> bool:
        return True

    tool = DeleteTool(confirm=approve)

    assert run(tool, {"id": "a"}).status == "success"


async def test_an_async_callback_is_awaited_by_ainvoke():
    async def deny(*_args: Any) -> bool:
        return False

    tool = DeleteTool(confirm=deny)

    message = await tool.ainvoke(
        {"type": "tool_call", "id": "1", "name": tool.name, "args": {"id": "a"}}
    )

    assert error_type(message) == "confirmation_denied"
    assert tool.runs == []


def test_a_callback_may_refuse_with_its_own_hint():
    def refuse(*_args: Any) -> bool:
        raise ConfirmationDeniedError("no one to ask", hint="pass --yes")

    message = run(DeleteTool(confirm=refuse), {"id": "a"})

    error = json.loads(message.content)["error"]
    assert (error["message"], error["hint"]) == ("no one to ask", "pass --yes")


# --- reading error content back ---------------------------------------------------


def test_parse_error_content_reads_the_packages_errors():
    content = error_content(InvalidArgumentsError(["x: bad"], tool="t"))

    error = parse_error_content(content)

    assert error["type"] == "invalid_arguments"
    assert error["problems"] == ["x: bad"]
    assert "Nothing was sent" in error["hint"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("plain failure text", "plain failure text"),
        ('{"error": "just a string"}', '{"error": "just a string"}'),
        ([{"type": "text", "text": "from "}, "blocks"], "from blocks"),
    ],
)
def test_parse_error_content_copes_with_foreign_content(content, message):
    assert parse_error_content(content) == {
        "type": "tool_error",
        "message": message,
        "hint": "",
    }
