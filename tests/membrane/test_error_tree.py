"""The error tree: per-error retry flags, SandboxError's place, exit codes."""

from __future__ import annotations

import pytest

from membrane_pusher import errors
from membrane_pusher.cli.output import ExitCode, exit_code_for
from membrane_pusher.errors import (
    CallError,
    CLITimeoutError,
    CommandFailedError,
    InputTooLargeError,
    OutputParseError,
    PusherAPIError,
    SandboxError,
    SetupError,
)
from membrane_pusher.membrane.parsing import is_transient
from membrane_pusher.sandbox import install, soketi


def test_retryable_is_a_class_default_each_error_may_override():
    # Act
    plain = CommandFailedError("failed")
    transient = CommandFailedError("failed", retryable=True)
    settled = OutputParseError("cut", retryable=False)

    # Assert
    assert (CallError.retryable, CLITimeoutError.retryable) == (False, True)
    assert not plain.retryable
    assert transient.retryable
    assert not settled.retryable
    assert (is_transient(plain), is_transient(transient)) == (False, True)
    assert not CommandFailedError.retryable  # the instance did not change its class


@pytest.mark.parametrize("retryable", [True, False])
def test_a_pusher_api_error_keeps_its_flag_where_callers_read_it(retryable):
    # Act
    error = PusherAPIError("refused", status=503, retryable=retryable)

    # Assert
    assert error.retryable is retryable
    assert is_transient(error) is retryable
    assert not hasattr(error, "is_retryable")


def test_sandbox_error_is_a_setup_error_importable_from_its_old_places():
    # Assert
    assert install.SandboxError is SandboxError is soketi.SandboxError
    assert issubclass(SandboxError, SetupError)
    assert SandboxError("x").kind == "sandbox_error"


def test_the_drawing_shows_every_error_class():
    # Arrange
    drawing = errors.__doc__ or ""
    classes = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.MembranePusherError)
    ]

    # Assert
    assert len(classes) == len(errors.__all__) - 1  # all but fix_arguments_hint
    for error_class in classes:
        assert error_class.__name__ in drawing, error_class.__name__


def test_a_new_setup_error_exits_like_a_setup_error():
    # Arrange
    class BrandNewSetupError(SetupError):
        kind = "brand_new_setup_error"

    # Act / Assert
    assert exit_code_for(BrandNewSetupError("x")) == ExitCode.NOT_CONFIGURED
    assert exit_code_for("brand_new_setup_error") == ExitCode.NOT_CONFIGURED


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (SandboxError("x"), ExitCode.NOT_CONFIGURED),
        (errors.ConfigurationError("x"), ExitCode.NOT_CONFIGURED),
        (errors.NotLoggedInError("x"), ExitCode.NOT_LOGGED_IN),
        (errors.CLINotFoundError("x"), ExitCode.CLI_NOT_FOUND),
        (InputTooLargeError("x"), ExitCode.USAGE),
        (errors.NotFoundError("x"), ExitCode.FAILURE),
    ],
)
def test_exit_codes_follow_the_class_and_its_kind(error, code):
    # Act / Assert
    assert exit_code_for(error) == code
    assert exit_code_for(error.kind) == code


def test_unknown_kinds_are_failures():
    assert exit_code_for("internal_error") == ExitCode.FAILURE
    assert exit_code_for("usage_error") == ExitCode.USAGE
