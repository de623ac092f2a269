"""One reader of the app id: argument, MEMBRANE_PUSHER_APP_ID, PUSHER_APP_ID."""

from __future__ import annotations

import pytest

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.pusher.config import resolve_app_id


def test_the_alias_wins_over_pusher_app_id():
    env = {"MEMBRANE_PUSHER_APP_ID": "111", "PUSHER_APP_ID": "222"}

    assert resolve_app_id(None, env) == "111"
    assert resolve_app_id("333", env) == "333"


def test_empty_values_count_as_unset():
    env = {"MEMBRANE_PUSHER_APP_ID": "  ", "PUSHER_APP_ID": "222"}

    assert resolve_app_id("", env) == "222"
    assert resolve_app_id(None, {"MEMBRANE_PUSHER_APP_ID": ""}) is None


def test_an_invalid_id_from_the_alias_is_refused():
    with pytest.raises(ConfigurationError, match="not valid"):
        resolve_app_id(None, {"MEMBRANE_PUSHER_APP_ID": "../1"})
