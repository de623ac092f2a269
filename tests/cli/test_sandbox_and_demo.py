"""`sandbox install|up|status|down`, `demo`, and how `--sandbox` finds one."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

import pytest
from cli_helpers import scripted_model

from membrane_pusher.sandbox.install import SandboxError
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
    monkeypatch.setattr("membrane_pusher.sandbox.install.is_installed", lambda: True)
    monkeypatch.setattr(
        "membrane_pusher.sandbox.install.install_soketi", lambda: tmp_path
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
    assert seen["channel"] is None


def test_the_demo_channel_can_be_chosen(invoke, monkeypatch):
    # Arrange
    seen = {}

    def fake_demo(**kwargs):
        seen.update(kwargs)
        return _FakeDemo(ok=True)

    monkeypatch.setattr("membrane_pusher.demo.run_demo", fake_demo)

    # Act
    outcome = invoke(["demo", "--channel", "ops", "--json"])

    # Assert
    assert outcome.exit_code == 0
    assert seen["channel"] == "ops"


@pytest.mark.parametrize(
    ("channel", "wording"),
    [
        ("private-ops", "public channels only"),
        ("presence-ops", "public channels only"),
        ("bad channel!", "characters Pusher does not allow"),
        ("", "channel"),
    ],
)
def test_a_demo_channel_it_cannot_join_is_a_usage_error(invoke, channel, wording):
    outcome = invoke(["demo", "--channel", channel, "--json"])

    assert outcome.exit_code == 2
    error = outcome.json()["error"]
    assert error["type"] == "usage_error"
    assert wording in error["message"]


def test_the_demo_help_names_the_default_channel(invoke):
    from membrane_pusher.demo.run import DEMO_CHANNEL  # noqa: PLC0415

    outcome = invoke(["demo", "--help"])

    assert f"Default: {DEMO_CHANNEL}." in " ".join(outcome.stdout.split())


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


def test_stale_status_says_what_to_do(invoke, tmp_path, monkeypatch):
    # Arrange: a state file whose process is gone
    from membrane_pusher.sandbox.state_file import SandboxState  # noqa: PLC0415

    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(tmp_path))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    state = SandboxState(
        pid=gone.pid,
        create_time=0.0,
        port=1,
        metrics_port=1,
        cluster_port=1,
        app_id="12345",
        key="k",
        secret="s",
        workspace=str(tmp_path / "none"),
        log_path=str(tmp_path / "none.log"),
        started_at=0.0,
        start_seconds=0.0,
    )
    (tmp_path / "sandbox.json").write_text(json.dumps(asdict(state)))

    # Act
    people = invoke(["sandbox", "status"])
    machines = invoke(["sandbox", "status", "--json"])

    # Assert
    assert people.exit_code == 1
    assert f"stale state: process {gone.pid} is gone" in people.stderr
    assert "Hint: Run `membrane-pusher sandbox down` to clear it" in people.stderr
    assert "`membrane-pusher sandbox up`" in people.stderr
    assert machines.exit_code == 1
    assert "sandbox down" in machines.json()["hint"]


class _FakeSandbox:
    """A started sandbox as far as `--sandbox` commands can tell."""

    def __init__(self, root):
        self.root = root
        self.connection_id = "con_pusher_sandbox"
        self.app_id = "12345"
        self.stopped = False

    def start(self):
        return self

    def stop(self):
        self.stopped = True


@pytest.fixture
def throwaway_sandbox(app_env, tmp_path, monkeypatch):
    """No sandbox is up; the one a command starts is a fake on the stand-in."""
    made: list[_FakeSandbox] = []

    def build():
        made.append(_FakeSandbox(tmp_path / "box"))
        return made[-1]

    (tmp_path / "box").mkdir()
    (tmp_path / "box" / "workspace").symlink_to(app_env.path)
    monkeypatch.setattr("membrane_pusher.sandbox.sandbox.Sandbox", build)
    return made


def test_a_throwaway_sandbox_is_announced_and_stopped(invoke, throwaway_sandbox):
    # Act
    outcome = invoke(["call", "pusher_list_channels", "--sandbox"])

    # Assert
    assert outcome.exit_code == 0, outcome.stderr
    assert "No sandbox is running" in outcome.stderr
    assert "temporary one, stopped when this command ends" in outcome.stderr
    assert [box.stopped for box in throwaway_sandbox] == [True]


def test_doctor_with_a_throwaway_sandbox_says_so(invoke, throwaway_sandbox):
    outcome = invoke(["doctor", "--sandbox"])

    assert "temporary one, stopped when this command ends" in outcome.stderr


def test_the_environments_app_id_is_ignored_on_the_sandbox_and_said_so(
    invoke, throwaway_sandbox, app_env, monkeypatch
):
    # Arrange
    monkeypatch.setenv("PUSHER_APP_ID", "999")

    # Act
    outcome = invoke(
        ["request", "/channels", "--sandbox", "--dry-run"],
    )

    # Assert
    assert outcome.exit_code == 0, outcome.stderr
    assert "/apps/12345/channels" in outcome.stdout
    assert "PUSHER_APP_ID=999 is ignored with --sandbox" in outcome.stderr
    assert "the sandbox's app is 12345" in outcome.stderr


@pytest.mark.parametrize("flag", ["--json", "-q"])
@pytest.mark.parametrize(
    "command",
    [
        ["request", "/channels"],
        ["call", "pusher_list_channels", "--input", "{}"],
        ["tools", "--format", "openai", "--strict"],
        ["doctor"],
    ],
    ids=["request", "call", "tools-strict", "doctor"],
)
def test_json_and_quiet_keep_the_sandbox_notes_off_stderr(
    invoke, throwaway_sandbox, monkeypatch, command, flag
):
    # Arrange: both notes would be shown without the flag
    monkeypatch.setenv("PUSHER_APP_ID", "999")

    # Act
    outcome = invoke([*command, "--sandbox", flag])

    # Assert
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.stderr == ""
    assert [box.stopped for box in throwaway_sandbox] == [True]


# --- the demo's report for people, from real runs on soketi ----------------------


@pytest.fixture
def demo_env(monkeypatch, tmp_path, pusher_sandbox_install_dir):
    monkeypatch.setenv("MEMBRANE_PUSHER_SANDBOX_DIR", str(pusher_sandbox_install_dir))
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(tmp_path / "state"))


def use_model(monkeypatch, model) -> None:
    monkeypatch.setattr(
        "membrane_pusher.demo.models.load_chat_model", lambda _spec, **_kw: model
    )


def trigger_model(event: str):
    args = {"channels": ["deploys"], "event": event, "data": {"ok": 1}}
    return scripted_model([("pusher_trigger_event", args)], "Announced.")


CALL_RESULT = re.compile(r"<- pusher_trigger_event ok, \d+ ms: ")
SUMMARY = re.compile(
    r"Summary: \d+ tools loaded \([^)]*pusher_trigger_event[^)]*\); "
    r"1 (scripted )?call made \(pusher_trigger_event ok, \d+ ms\); [\d.]+ s in all\."
)


@pytest.mark.soketi
@pytest.mark.slow
def test_the_demo_shows_each_calls_time_and_a_summary(invoke, demo_env, monkeypatch):
    # Arrange
    use_model(monkeypatch, trigger_model("deploy-finished"))

    # Act
    outcome = invoke(["demo", "--no-install"])

    # Assert
    assert outcome.exit_code == 0, outcome.stderr
    report = outcome.stderr
    assert CALL_RESULT.search(report), report
    assert SUMMARY.search(report), report
    assert "scripted" not in SUMMARY.search(report).group(0)
    assert "   model: Announced." in report
    last = report.strip().splitlines()[-1]
    assert last.startswith("OK: the subscriber received event 'deploy-finished'")
    assert "exactly what the agent sent" in last


@pytest.mark.soketi
@pytest.mark.slow
def test_without_a_model_the_demo_never_says_an_agent_chose(
    invoke, demo_env, monkeypatch
):
    # Arrange
    use_model(monkeypatch, None)

    # Act
    outcome = invoke(["demo", "--no-install"])

    # Assert
    assert outcome.exit_code == 0, outcome.stderr
    report = outcome.stderr
    assert "scripted call, not an agent's choice" in report
    assert "   scripted: Scripted call done" in report
    assert "   model:" not in report
    assert "1 scripted call made (pusher_trigger_event ok" in report
    assert "the agent" not in report
    last = report.strip().splitlines()[-1]
    assert "exactly what the scripted call sent" in last


@pytest.mark.soketi
@pytest.mark.slow
def test_a_call_that_differs_from_the_instruction_is_not_a_bare_ok(
    invoke, demo_env, monkeypatch
):
    # Arrange: the model renames the event, as the offline model does
    use_model(monkeypatch, trigger_model("Deploy finished"))

    # Act
    outcome = invoke(["demo", "--no-install"])

    # Assert: delivered faithfully, and the difference is said plainly
    assert outcome.exit_code == 0, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert not [line for line in lines if line.strip().startswith("OK")]
    last = lines[-1]
    assert last.startswith("DIFFERS FROM THE INSTRUCTION: the subscriber received")
    assert "event 'Deploy finished' on 'deploys'" in last
    assert "asked for the event 'deploy-finished'" in last
