"""Shell and argument injection: hostile values stay data all the way to the CLI.

Every value below goes through a real action tool, the real client and the
stand-in `membrane`. The stand-in records the argv and the parsed input it got:
the input must equal what was sent, the argv must carry exactly the flags the
client meant (one `--connectionId`, one `--input`), and nothing may have run.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.membrane.models import Action, ProxyRequest
from membrane_pusher.tools.action_tool import action_tool

CONNECTION_ID = "con_pusher_sandbox"

ECHO_ACTION = {
    "id": "act_echo_note",
    "key": "echo-note",
    "name": "Echo a note",
    "description": "Store a free-text note (test action).",
    "inputSchema": {
        "type": "object",
        "properties": {"text": {"type": "string"}, "tags": {"type": "array"}},
        "required": ["text"],
    },
    "connectionId": CONNECTION_ID,
}


def hostile_values(sentinel: str) -> dict[str, str]:
    """Return named hostile strings; any that ran would create `sentinel`."""
    return {
        "quotes": "it's \"quoted\" 'twice' \\\" end",
        "command-substitution": f"$(touch {sentinel})",
        "backticks": f"`touch {sentinel}`",
        "separators": f"a; touch {sentinel} && touch {sentinel} | touch {sentinel}",
        "newlines": f"first\nsecond\r\n--connectionId=evil\ntouch {sentinel}",
        "nul": "before\x00after",
        "leading-dashes": "--connectionId=evil",
        "short-flag": "-X",
        "json-flag": '--input={"pwned":true}',
        "env-expansion": "${HOME} $PATH %PATH% ~root",
        "glob": "* ? [a-z] ~",
        "format-strings": "%s %n %x {0} {}",
        "unicode": "naïve ✓ — \u202eevil\u202c \U0001f600",
        "very-long": "x" * 40_000,
    }


@pytest.fixture
def echo_tool(standin):
    """An action tool for a free-text action, on the real stand-in."""
    data = standin.read()
    data.setdefault("actions", []).append(ECHO_ACTION)
    standin.write(data)
    client = standin.client()
    return action_tool(Action.model_validate(ECHO_ACTION), client, CONNECTION_ID)


def _runs(standin) -> list[dict[str, Any]]:
    """Return the stand-in's recorded `action run` calls."""
    return standin.calls("action run")


def _flag_values(argv: list[str], flag: str) -> list[str]:
    """Return every value given for `--flag` (as `--flag=v` or `--flag v`)."""
    values = []
    for index, element in enumerate(argv):
        if element.startswith(f"{flag}="):
            values.append(element.split("=", 1)[1])
        elif element == flag and index + 1 < len(argv):
            values.append(argv[index + 1])
    return values


@pytest.mark.parametrize("name", list(hostile_values("/x")))
def test_hostile_value_reaches_the_stand_in_intact(name, echo_tool, standin, tmp_path):
    # Arrange
    sentinel = tmp_path / "pwned"
    value = hostile_values(str(sentinel))[name]
    arguments = {"text": value, "tags": [value, {"--connectionId": value}]}
    sent = copy.deepcopy(arguments)

    # Act
    message = echo_tool.invoke(
        {"name": echo_tool.name, "args": arguments, "id": "c1", "type": "tool_call"}
    )

    # Assert
    assert message.status != "error", message.content
    runs = _runs(standin)
    assert len(runs) == 1
    assert runs[0]["input"] == sent
    argv = runs[0]["argv"]
    assert _flag_values(argv, "--connectionId") == [CONNECTION_ID]
    assert len(_flag_values(argv, "--input")) == 1
    assert json.loads(_flag_values(argv, "--input")[0]) == sent
    assert not sentinel.exists()


async def test_hostile_values_are_intact_through_the_async_path_too(
    echo_tool, standin, tmp_path
):
    # Arrange
    values = hostile_values(str(tmp_path / "pwned"))
    arguments = {"text": values["newlines"], "tags": list(values.values())}

    # Act
    message = await echo_tool.ainvoke(
        {"name": echo_tool.name, "args": arguments, "id": "c1", "type": "tool_call"}
    )

    # Assert
    assert message.status != "error", message.content
    assert _runs(standin)[0]["input"] == arguments
    assert not (tmp_path / "pwned").exists()


def test_property_names_that_look_like_flags_stay_data(echo_tool, standin):
    # Arrange
    arguments = {"text": "t", "--connectionId": "evil", "-X": "DELETE", "$(id)": "`id`"}

    # Act
    message = echo_tool.invoke(
        {"name": echo_tool.name, "args": arguments, "id": "c1", "type": "tool_call"}
    )

    # Assert
    assert message.status != "error", message.content
    run = _runs(standin)[0]
    assert run["input"] == arguments
    assert _flag_values(run["argv"], "--connectionId") == [CONNECTION_ID]


def test_an_input_too_large_for_one_argument_is_refused_before_any_process(
    echo_tool, standin
):
    # Arrange
    arguments = {"text": "y" * 200_000}

    # Act
    message = echo_tool.invoke(
        {"name": echo_tool.name, "args": arguments, "id": "c1", "type": "tool_call"}
    )

    # Assert
    assert message.status == "error"
    error = json.loads(message.content)["error"]
    assert error["type"] == "input_too_large"
    assert "128 KiB" in error["message"] or "bytes" in error["message"]
    assert _runs(standin) == []


@pytest.mark.parametrize(
    ("action_id", "connection_id"),
    [
        ("--connectionId=evil", CONNECTION_ID),
        ("-X", CONNECTION_ID),
        ("--json", CONNECTION_ID),
    ],
)
def test_ids_shaped_like_flags_never_become_flags(action_id, connection_id, standin):
    # Arrange
    client = standin.client()

    # Act
    with pytest.raises(InvalidArgumentsError) as raised:
        client.run_action(action_id, connection_id, {"text": "t"})

    # Assert
    assert "must not start with '-'" in raised.value.message
    assert standin.calls() == []


def test_a_request_path_or_header_cannot_add_lines_or_flags(standin):
    # Arrange
    client = standin.client()

    # Act / Assert: CR/LF in a path, and a header value smuggling a second header
    with pytest.raises(InvalidArgumentsError):
        client.request(ProxyRequest(CONNECTION_ID, "/apps/1/channels\r\nX-Evil: 1"))
    with pytest.raises(InvalidArgumentsError):
        client.request(
            ProxyRequest(
                CONNECTION_ID, "/x", headers={"X-A": "v\r\nAuthorization: evil"}
            )
        )
    assert standin.calls() == []
