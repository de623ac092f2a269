"""No option injection, no secrets in errors or logs, one INFO line per call."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from membrane_pusher.errors import ActionFailedError, CommandFailedError, NotFoundError
from membrane_pusher.membrane.models import ProxyRequest
from membrane_pusher.redaction import redact, register_secret

PUSHER = "con_pusher_sandbox"
TRIGGER = "act_pusher_trigger_event"

HOSTILE = [
    "--connectionId=evil",
    "-X",
    "--json",
    'it\'s "quoted"',
    "$(touch pwned-by-substitution)",
    "`id`",
    "line one\nline two",
    "; rm -rf / #",
    "x" * 30_000,
]


async def test_hostile_option_values_arrive_as_values(client, standin):
    async def attempt(value):
        with pytest.raises(NotFoundError):
            await client.alist_actions(value, value)

    await asyncio.gather(*(attempt(value) for value in HOSTILE))

    calls = standin.calls("action list")
    assert len(calls) == len(HOSTILE)
    for value in HOSTILE:
        assert any(
            f"--connectionId={value}" in call["argv"]
            and f"--intent={value}" in call["argv"]
            for call in calls
        )


def test_hostile_input_arrives_unchanged(client, standin):
    payload = {"channels": HOSTILE[:-1], "name": "n", "data": HOSTILE[-1]}
    payload.update({f"extra{index}": value for index, value in enumerate(HOSTILE)})

    result = client.run_action(TRIGGER, PUSHER, payload)

    assert result.output["received"] == payload
    assert standin.calls("action run")[0]["input"] == payload


def test_hostile_request_parts_arrive_as_values(client, standin):
    query = {f"q{index}": value for index, value in enumerate(HOSTILE[:-1])}

    client.request(ProxyRequest(PUSHER, "/apps/1/channels", query=query))

    call = standin.calls("request")[0]
    assert call["query"] == [f"{name}={value}" for name, value in query.items()]
    assert call["connectionId"] == PUSHER


def test_secrets_in_cli_output_are_redacted_from_errors(client, standin):
    secret = "s3cr3t-app-secret-value"
    register_secret(secret)
    stderr = (
        "Error: request failed\nAuthorization: Bearer abc.def.ghi\n"
        f"token={secret} eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig\n"
    )
    standin.set_faults([{"command": "action run", "exit_code": 5, "stderr": stderr}])

    with pytest.raises(CommandFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, {})

    shown = f"{caught.value} {caught.value.stderr} {caught.value.to_dict()}"
    assert secret not in shown
    assert "abc.def.ghi" not in shown
    assert "eyJhbGciOiJIUzI1NiJ9" not in shown
    assert "[REDACTED]" in shown


def test_secrets_in_an_api_error_body_are_redacted(client, standin):
    api_error = {
        "type": "connection",
        "key": "x",
        "message": "bad",
        "data": {"secret": "topsecret-123456", "note": "Bearer zzzzzzzzzz"},
    }
    standin.set_faults(
        [{"command": "act", "api_error": {**api_error, "type": "action_run"}}]
    )

    with pytest.raises(ActionFailedError) as caught:
        client.run_action(TRIGGER, PUSHER, {}, form="act")

    assert "topsecret-123456" not in str(caught.value.data)
    assert "zzzzzzzzzz" not in str(caught.value.data)


def test_one_info_line_per_call_and_redacted_argv_at_debug(client, caplog):
    caplog.set_level(logging.DEBUG, logger="membrane_pusher.membrane")
    secret_input = {
        "channels": ["c"],
        "name": "n",
        "data": "Authorization: Bearer hunter2hunter2",
    }

    client.run_action(TRIGGER, PUSHER, secret_input)

    infos = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(infos) == 1
    line = infos[0].getMessage()
    assert f"action run {TRIGGER} on {PUSHER}: ok" in line
    assert "exit=0" in line
    assert line.endswith(" ms")
    debug_text = " ".join(
        r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG
    )
    assert "argv" in debug_text
    assert "hunter2hunter2" not in debug_text


def _info_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]


def test_the_info_line_names_the_request_and_its_answer(client, caplog):
    # Arrange
    caplog.set_level(logging.INFO, logger="membrane_pusher.membrane")

    # Act
    client.request(ProxyRequest(PUSHER, "/apps/1/nowhere"))

    # Assert
    [line] = _info_lines(caplog)
    assert line.startswith(f"membrane request GET /apps/1/nowhere on {PUSHER}: ok")
    assert "HTTP 404" in line


def test_the_info_line_names_the_intent_and_a_failure(client, caplog):
    # Arrange
    caplog.set_level(logging.INFO, logger="membrane_pusher.membrane")

    # Act
    with pytest.raises(NotFoundError):
        client.list_actions("con_missing", "send an event")

    # Assert
    [line] = _info_lines(caplog)
    assert 'membrane action list "send an event" on con_missing: failed' in line
    assert "not_found" in line


def test_the_info_line_subject_is_redacted(client, caplog):
    # Arrange
    caplog.set_level(logging.INFO, logger="membrane_pusher.membrane")
    path = "/apps/1/channels?auth_signature=0123456789abcdef"

    # Act
    client.request(ProxyRequest(PUSHER, path))

    # Assert
    [line] = _info_lines(caplog)
    assert "0123456789abcdef" not in line
    assert "auth_signature=[REDACTED]" in line


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('--input={"access_token":"abcdef123456"}', "abcdef123456"),
        ("app_secret=abcdef123456", "abcdef123456"),
        ('{"client_secret": "abcdef123456"}', "abcdef123456"),
        ("refreshToken=abcdef123456", "abcdef123456"),
        ('{"apiKey":"abcdef123456"}', "abcdef123456"),
        ("X-Api-Key: abcdef123456", "abcdef123456"),
        ("auth_signature=abcdef123456&body_md5=x", "abcdef123456"),
        ('{"password": "correct horse battery"}', "horse battery"),
        ("db_password='correct horse battery'", "horse battery"),
        ('--data={"note":"{\\"token\\":\\"two words\\"}"}', "words"),
        ('"Authorization": "Bearer abcdef123456"', "abcdef123456"),
        ('token: "cut short', "cut short"),
    ],
)
def test_secret_looking_keys_are_redacted_in_text(text, secret):
    # Act
    shown = redact(text)

    # Assert
    assert secret not in shown
    assert "[REDACTED]" in shown


def test_a_redacted_quoted_value_keeps_its_quotes():
    # Act / Assert
    assert redact('--input={"access_token":"abc def 123"}') == (
        '--input={"access_token":"[REDACTED]"}'
    )


@pytest.mark.parametrize(
    "text",
    [
        "token" * 20_000,
        'token:"' * 20_000,
        "a_secret" + "_" * 100_000,
        'password="' + "\\" * 100_000,
    ],
)
def test_redacting_hostile_text_takes_linear_time(text):
    # Act
    started = time.monotonic()
    redact(text)

    # Assert
    assert time.monotonic() - started < 1.0
