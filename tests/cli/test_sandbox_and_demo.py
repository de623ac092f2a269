"""`sandbox install|up|status|down` and `demo`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from membrane_pusher.sandbox.soketi import SandboxError
from membrane_pusher.sandbox.state import SandboxStatus


def test_status_when_nothing_runs_is_exit_1(invoke, tmp_path, monkeypatch):
    # arrange
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(tmp_path))

    # act
    outcome = invoke(["sandbox", "status", "--json"])

    # assert
    assert outcome.exit_code == 1
    assert outcome.json()["running"] is False


def test_down_when_nothing_runs_is_fine(invoke, tmp_path, monkeypatch):
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(tmp_path))

    outcome = invoke(["sandbox", "down"])

    assert outcome.exit_code == 0
    assert "no sandbox was running" in outcome.stderr


def test_up_passes_its_options(invoke, monkeypatch):
    # arrange
    seen = {}

    def fake_up(**kwargs):
        seen.update(kwargs)
        return SandboxStatus(running=True, ready=True, message="sandbox ready")

    monkeypatch.setattr("membrane_pusher.sandbox.state.sandbox_up", fake_up)

    # act
    outcome = invoke(
        ["sandbox", "up", "--no-install", "--ready-timeout", "5", "--json"]
    )

    # assert
    assert outcome.exit_code == 0
    assert seen == {"install": False, "ready_timeout": 5.0}
    assert outcome.json()["ready"] is True


def test_install_reports_the_folder(invoke, monkeypatch, tmp_path):
    monkeypatch.setattr("membrane_pusher.sandbox.soketi.is_installed", lambda: True)
    monkeypatch.setattr(
        "membrane_pusher.sandbox.soketi.install_soketi", lambda: tmp_path
    )

    outcome = invoke(["sandbox", "install", "--json"])

    assert outcome.json() == {"installed": True, "path": str(tmp_path), "fresh": False}


def test_sandbox_errors_are_exit_6(invoke, monkeypatch):
    # arrange
    def fail(**_kwargs):
        message = "soketi is not installed"
        raise SandboxError(message, hint="Run `membrane-pusher sandbox install`.")

    monkeypatch.setattr("membrane_pusher.sandbox.state.sandbox_up", fail)

    # act
    outcome = invoke(["sandbox", "up", "--json"])

    # assert
    assert outcome.exit_code == 6
    assert outcome.json()["error"]["type"] == "sandbox_error"


@dataclass
class _FakeDemo:
    ok: bool
    seen: dict[str, Any] = field(default_factory=dict)

    def to_dict(self):
        return {"ok": self.ok, "received": []}


@pytest.mark.parametrize(("ok", "code"), [(True, 0), (False, 1)])
def test_demo_exit_code_follows_the_result(invoke, monkeypatch, ok, code):
    # arrange
    seen = {}

    def fake_demo(**kwargs):
        seen.update(kwargs)
        return _FakeDemo(ok)

    monkeypatch.setattr("membrane_pusher.demo.run_demo", fake_demo)

    # act
    outcome = invoke(["demo", "--instruction", "ping", "--model", "x:y", "--json"])

    # assert
    assert outcome.exit_code == code
    assert outcome.json()["ok"] is ok
    assert seen["instruction"] == "ping"
    assert seen["model"] == "x:y"


@pytest.mark.soketi
@pytest.mark.slow
def test_up_status_down_for_real(
    invoke, tmp_path, monkeypatch, pusher_sandbox_install_dir
):
    # arrange
    monkeypatch.setenv("MEMBRANE_PUSHER_SANDBOX_DIR", str(pusher_sandbox_install_dir))
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(tmp_path / "state"))

    try:
        # act
        up = invoke(["sandbox", "up", "--no-install", "--json"])
        status = invoke(["sandbox", "status", "--json"])
        call = invoke(["call", "pusher_list_channels", "--sandbox", "--json"])
    finally:
        down = invoke(["sandbox", "down", "--json"])

    # assert
    assert up.exit_code == 0, up.stdout
    assert status.exit_code == 0
    assert status.json()["state"]["connection_id"] == "con_pusher_sandbox"
    assert call.exit_code == 0, call.stdout
    assert call.json()["artifact"]["transport"] == "membrane"
    assert down.json()["stopped"] is True
