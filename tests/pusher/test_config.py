"""Settings of the app: app id, key, secret, host, cluster, PUSHER_URL."""

from __future__ import annotations

import pytest

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.pusher.config import PusherSettings, require_app_id, resolve_app_id


def test_app_id_from_argument_then_env():
    assert resolve_app_id("42", {"PUSHER_APP_ID": "7"}) == "42"
    assert resolve_app_id(None, {"PUSHER_APP_ID": "7"}) == "7"
    assert resolve_app_id(None, {}) is None


def test_missing_app_id_says_how_to_set_it():
    with pytest.raises(ConfigurationError) as caught:
        require_app_id(None, {})
    assert "PUSHER_APP_ID" in str(caught.value)
    assert "app_id=" in str(caught.value)


@pytest.mark.parametrize("app_id", ["../1", "1/2", "1 2", "a" * 65])
def test_unsafe_app_id_refused(app_id):
    with pytest.raises(ConfigurationError):
        resolve_app_id(app_id, {})


def test_url_parsed():
    settings = PusherSettings.from_url(
        "http://app-key:app%2Fsecret@127.0.0.1:6001/apps/12345"
    )
    assert (settings.app_id, settings.key, settings.secret) == (
        "12345",
        "app-key",
        "app/secret",
    )
    assert settings.base_url == "http://127.0.0.1:6001"
    assert "secret" not in repr(settings)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://k:s@h/apps/1",
        "https://k@h/apps/1",
        "https://k:s@h/other/1",
        "https://k:s@h:99999/apps/1",
    ],
)
def test_bad_url_refused_without_leaking_the_secret(url):
    with pytest.raises(ConfigurationError) as caught:
        PusherSettings.from_url(url)
    assert ":s@" not in str(caught.value)


def test_cluster_gives_the_api_host():
    settings = PusherSettings.build(app_id=1, key="k", secret="s", cluster="eu", env={})
    assert settings.base_url == "https://api-eu.pusher.com"


def test_default_host_is_mt1():
    settings = PusherSettings.build(app_id=1, key="k", secret="s", env={})
    assert settings.host == "api-mt1.pusher.com"


def test_explicit_host_wins_over_cluster():
    settings = PusherSettings.build(
        app_id=1,
        key="k",
        secret="s",
        host="127.0.0.1",
        port=6001,
        use_tls=False,
        cluster="eu",
        env={},
    )
    assert settings.base_url == "http://127.0.0.1:6001"


def test_environment_variables():
    env = {
        "PUSHER_APP_ID": "9",
        "PUSHER_KEY": "k",
        "PUSHER_SECRET": "s",
        "PUSHER_HOST": "localhost",
        "PUSHER_PORT": "6001",
        "PUSHER_USE_TLS": "false",
    }
    settings = PusherSettings.build(env=env)
    assert settings.base_url == "http://localhost:6001"
    assert settings.app_id == "9"


def test_pusher_url_from_environment():
    settings = PusherSettings.build(
        env={"PUSHER_URL": "https://k:s@api-ap1.pusher.com/apps/3"}
    )
    assert (settings.app_id, settings.base_url) == ("3", "https://api-ap1.pusher.com")


def test_missing_credentials_named():
    with pytest.raises(ConfigurationError) as caught:
        PusherSettings.build(app_id="1", env={})
    message = str(caught.value)
    assert "PUSHER_KEY" in message
    assert "PUSHER_SECRET" in message
    assert "PUSHER_APP_ID" not in message.split("missing:")[1].split(".", maxsplit=1)[0]


def test_bad_cluster_refused():
    with pytest.raises(ConfigurationError):
        PusherSettings.build(
            app_id=1, key="k", secret="s", cluster="evil.com/x", env={}
        )
