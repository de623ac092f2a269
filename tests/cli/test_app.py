"""The group: help, version, shared options, usage errors and envelopes."""

from __future__ import annotations

import importlib
import json
import logging

import pytest

from membrane_pusher.cli.app import COMMANDS, cli
from membrane_pusher.cli.output import ExitCode, error_envelope, exit_code_for
from membrane_pusher.errors import (
    CLINotFoundError,
    ConnectionNotReadyError,
    InvalidArgumentsError,
    NotLoggedInError,
    PusherAPIError,
)


def test_help_lists_every_command_and_the_exit_codes(invoke):
    # act
    outcome = invoke(["--help"])

    # assert
    assert outcome.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in outcome.stdout
    for line in ("0  success", "2  usage", "3  the Membrane CLI is not logged in"):
        assert line in outcome.stdout
    assert "5  the Membrane CLI was not found" in outcome.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_group_summaries_match_the_commands_own_help(name):
    # arrange
    module_name, attribute, summary = COMMANDS[name]
    module = importlib.import_module(f"membrane_pusher.cli.commands.{module_name}")

    # act
    command = getattr(module, attribute)

    # assert
    assert command.name == name
    assert command.help.strip().splitlines()[0] == summary
    assert cli.get_command(None, name) is command  # type: ignore[arg-type]


@pytest.mark.parametrize("name", [n for n in COMMANDS if n != "sandbox"])
def test_every_command_accepts_json_verbose_and_quiet(name, invoke):
    # act
    outcome = invoke([name, "--help"])

    # assert
    assert outcome.exit_code == 0
    for option in ("--json", "-v, --verbose", "-q, --quiet"):
        assert option in outcome.stdout


def test_version(invoke):
    assert invoke(["--version"]).stdout.strip() == "membrane-pusher, version 0.1.0"


@pytest.mark.parametrize("args", [["--version", "--json"], ["--json", "--version"]])
def test_version_with_json_is_one_json_document(invoke, args):
    # act
    outcome = invoke(args)

    # assert
    assert outcome.exit_code == 0
    assert outcome.json() == {"name": "membrane-pusher", "version": "0.1.0"}


def test_help_with_json_lists_the_commands_and_exit_codes(invoke):
    # act
    outcome = invoke(["--help", "--json"])

    # assert
    assert outcome.exit_code == 0
    document = outcome.json()
    assert document["command"] == "membrane-pusher"
    assert document["version"] == "0.1.0"
    assert [c["name"] for c in document["commands"]] == list(COMMANDS)
    assert all(c["summary"] for c in document["commands"])
    assert document["exit_codes"]["130"] == "interrupted"
    assert document["help"].startswith("Usage: membrane-pusher")


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["call", "--help", "--json"], "membrane-pusher call"),
        (["--json", "sandbox", "up", "-h"], "membrane-pusher sandbox up"),
    ],
)
def test_a_commands_help_with_json_is_one_json_document(invoke, args, command):
    # act
    outcome = invoke(args)

    # assert
    assert outcome.exit_code == 0
    document = outcome.json()
    assert document["command"] == command
    assert document["usage"].startswith(command)
    assert "--json" in document["help"]
    assert "commands" not in document


def test_usage_error_is_exit_2_with_usage_text(invoke):
    # act
    outcome = invoke(["tools", "--bogus"])

    # assert
    assert outcome.exit_code == ExitCode.USAGE
    assert outcome.stdout == ""
    assert "No such option" in outcome.stderr


@pytest.mark.parametrize(
    "args", [["--json", "tools", "--bogus"], ["tools", "--bogus", "--json"]]
)
def test_usage_error_with_json_is_one_envelope_on_stdout(invoke, args):
    # act
    outcome = invoke(args)

    # assert
    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "usage_error"
    assert "--bogus" in error["message"]
    assert error["hint"] == "See: membrane-pusher tools --help"


def test_unknown_command_is_a_usage_error(invoke):
    outcome = invoke(["--json", "launch"])

    assert outcome.exit_code == 2
    assert outcome.json()["error"]["type"] == "usage_error"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InvalidArgumentsError(["$.x: bad"]), ExitCode.USAGE),
        (NotLoggedInError("no"), ExitCode.NOT_LOGGED_IN),
        (
            ConnectionNotReadyError("no", url="https://x.invalid"),
            ExitCode.NOT_CONNECTED,
        ),
        (CLINotFoundError("no"), ExitCode.CLI_NOT_FOUND),
        (PusherAPIError("no", status=500), ExitCode.FAILURE),
    ],
)
def test_error_kinds_map_to_documented_exit_codes(error, code):
    assert exit_code_for(error.kind) == code


def test_envelope_keeps_type_message_hint_and_useful_extras():
    # arrange
    error = ConnectionNotReadyError(
        "not ready", hint="open it", connection_id="c1", url="https://x.invalid/c"
    )

    # act
    envelope = error_envelope(error)

    # assert
    assert envelope == {
        "error": {
            "type": "connection_not_ready",
            "message": "not ready",
            "hint": "open it",
            "connection_id": "c1",
            "url": "https://x.invalid/c",
        }
    }


def test_internal_errors_become_an_envelope_and_exit_1(invoke, monkeypatch):
    # arrange
    def explode(*_args, **_kwargs):
        message = "boom"
        raise RuntimeError(message)

    monkeypatch.setattr("membrane_pusher.cli.commands.doctor.run_checks", explode)

    # act
    outcome = invoke(["doctor", "--json"])

    # assert
    assert outcome.exit_code == 1
    assert outcome.json()["error"]["type"] == "internal_error"
    assert "RuntimeError: boom" in outcome.json()["error"]["message"]


def test_verbose_logs_go_to_stderr_only(invoke, app_env):
    # act
    outcome = invoke(["doctor", "--json", "-vv"])

    # assert
    assert outcome.exit_code == 0
    json.loads(outcome.stdout)
    assert "DEBUG" in outcome.stderr
    names = [handler.get_name() for handler in logging.getLogger().handlers]
    assert "membrane-pusher-cli" not in names


def test_quiet_silences_messages_for_people(invoke, app_env):
    outcome = invoke(["doctor", "-q"])

    assert outcome.exit_code == 0
    assert outcome.stderr == ""
