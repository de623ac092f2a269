"""A malformed PUSHER_URL never shows its secret, in errors or in logs."""

from __future__ import annotations

import json
import logging
import uuid
from urllib.parse import quote

import pytest

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.pusher.config import PusherSettings
from membrane_pusher.pusher.toolkit import PusherToolkit
from membrane_pusher.redaction import redact

SECRET = "url-s3cret-Zq8"

# `{secret}` is replaced by the secret, `{escaped}` by it percent-encoded.
MALFORMED = {
    "no-host": "http://key:{secret}@",
    "no-at-sign": "http://key:{secret}",
    "no-at-sign-with-path": "https://key:{secret}/apps/1",
    "bad-port": "http://key:{secret}@host:99999/apps/1",
    "broken-ipv6": "http://key:{secret}@[::1/apps/1",
    "bad-scheme": "ftp://key:{secret}@host/apps/1",
    "no-path": "https://key:{secret}@host",
    "secret-in-the-app-id": "https://key:{secret}@host/apps/{secret}!",
    "escaped-secret-without-host": "http://key:{escaped}",
}


def malformed(template: str, secret: str = SECRET) -> str:
    return template.format(secret=secret, escaped=quote(secret, safe=""))


def shows(text: str, secret: str = SECRET) -> bool:
    return secret in text or quote(secret, safe="") in text


@pytest.mark.parametrize("template", MALFORMED.values(), ids=MALFORMED.keys())
def test_the_error_never_shows_the_secret(template):
    # Act
    with pytest.raises(ConfigurationError) as raised:
        PusherSettings.from_url(malformed(template))

    # Assert
    shown = str(raised.value) + json.dumps(raised.value.to_dict())
    assert not shows(shown)
    assert "Pusher URL is not valid" in shown


@pytest.mark.parametrize("template", MALFORMED.values(), ids=MALFORMED.keys())
def test_the_secret_is_redacted_even_when_the_url_is_refused(template):
    # Arrange: a secret of its own, which nothing else has registered
    secret = f"fresh-{uuid.uuid4().hex}"

    # Act
    with pytest.raises(ConfigurationError):
        PusherSettings.from_url(malformed(template, secret))

    # Assert
    assert secret not in redact(f"later, someone logs {secret} by mistake")


@pytest.mark.parametrize("template", MALFORMED.values(), ids=MALFORMED.keys())
def test_building_from_the_environment_logs_no_secret(template, monkeypatch, caplog):
    # Arrange
    monkeypatch.setenv("PUSHER_URL", malformed(template))
    caplog.set_level(logging.DEBUG)

    # Act
    with pytest.raises(ConfigurationError) as raised:
        PusherToolkit(transport="direct").get_tools()

    # Assert
    assert not shows(str(raised.value))
    assert not shows(caplog.text)


def test_a_secret_read_as_a_port_is_not_quoted():
    # Act
    with pytest.raises(ConfigurationError) as raised:
        PusherSettings.from_url("http://key:notaport")

    # Assert
    assert "notaport" not in str(raised.value)
    assert "host or port" in str(raised.value)


def test_a_well_formed_url_still_parses():
    # Act
    settings = PusherSettings.from_url(f"https://key:{SECRET}@host:8443/apps/42")

    # Assert
    assert (settings.app_id, settings.key, settings.secret) == ("42", "key", SECRET)
    assert settings.base_url == "https://host:8443"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("http://127.0.0.1:600100/apps/1", "600100"),
        ("http://[::1]:6001/apps/1", "[::1]:6001"),
    ],
)
def test_ports_and_hosts_are_not_taken_for_secrets(url, kept):
    # Act
    with pytest.raises(ConfigurationError):
        PusherSettings.from_url(url)

    # Assert
    assert redact(f"listening on {kept}") == f"listening on {kept}"
