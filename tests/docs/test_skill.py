"""SKILL.md and references/: format, validator, and every command shown runs."""

from __future__ import annotations

import inspect
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from membrane_pusher import errors
from membrane_pusher.cli import app

ROOT = Path(__file__).resolve().parents[2]
SKILL = ROOT / "SKILL.md"
DOCS = [SKILL, *sorted((ROOT / "references").glob("*.md"))]

sys.path.insert(0, str(ROOT / "tests" / "cli"))

from cli_helpers import invoke_cli, patch_model, scripted_model  # noqa: E402


def _frontmatter() -> dict:
    text = SKILL.read_text(encoding="utf-8")
    _, header, _ = text.split("---\n", 2)
    return yaml.safe_load(header)


def _commands(path: Path) -> list[tuple[str, str | None]]:
    """Every `membrane-pusher ...` line of the fenced blocks and inline code.

    A line `echo 'X' | membrane-pusher ...` gives X as stdin.
    """
    text = path.read_text(encoding="utf-8")
    found: list[tuple[str, str | None]] = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, flags=re.DOTALL):
        for raw in block.splitlines():
            line = raw.strip()
            piped = re.match(r"echo (.+?) \| (membrane-pusher .*)$", line)
            if piped:
                found.append((piped.group(2), shlex.split(piped.group(1))[0]))
            elif line.startswith("membrane-pusher"):
                found.append((line, None))
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    found.extend(
        (span, None) for span in re.findall(r"`(membrane-pusher [^`]+)`", prose)
    )
    return found


ALL_COMMANDS = [
    (path.name, cmd, stdin) for path in DOCS for cmd, stdin in _commands(path)
]


def test_frontmatter_follows_the_agent_skills_format():
    # act
    meta = _frontmatter()

    # assert
    assert set(meta) <= {
        "name",
        "description",
        "license",
        "compatibility",
        "metadata",
        "allowed-tools",
    }
    assert meta["name"] == "membrane-pusher"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meta["name"])
    assert 1 <= len(meta["description"]) <= 1024
    assert "Use it when" in meta["description"]
    assert len(meta["compatibility"]) <= 500
    assert meta["license"] == "MIT"
    assert all(isinstance(v, str) for v in meta["metadata"].values())
    assert {"author", "version"} <= set(meta["metadata"])


def test_body_is_short_and_points_to_existing_references():
    # arrange
    text = SKILL.read_text(encoding="utf-8")

    # act
    links = re.findall(r"\]\((references/[^)]+)\)", text)

    # assert
    assert len(text.splitlines()) < 500
    assert {
        "references/operations.md",
        "references/errors.md",
        "references/cli.md",
    } <= set(links)
    for link in links:
        assert (ROOT / link).is_file(), link


def test_real_membrane_commands_are_shown():
    text = SKILL.read_text(encoding="utf-8")

    for command in (
        "npm install -g @membranehq/cli",
        "membrane login --tenant",
        "membrane login complete <code>",
        "membrane connection list --json",
        "membrane search pusher --elementType=connector --json",
        "membrane connect --connectorId=CONNECTOR_ID --json",
        "membrane action list --intent",
        "membrane action run ACTION_ID --connectionId=CONNECTION_ID",
        "membrane request CONNECTION_ID",
    ):
        assert command in text, command


def test_the_documents_show_commands():
    assert len(ALL_COMMANDS) >= 30
    shown = {shlex.split(cmd)[1] for _doc, cmd, _stdin in ALL_COMMANDS}
    assert {
        "doctor",
        "connect",
        "tools",
        "call",
        "request",
        "agent",
        "sandbox",
        "demo",
    } <= shown


def _validator() -> str | None:
    """The `agentskills` command of the `skills-ref` package, when installed."""
    beside = Path(sys.executable).parent / "agentskills"
    return shutil.which("agentskills") or (str(beside) if beside.exists() else None)


# CI installs the `test` extra, which has the validator: there it must run.
_IN_CI = os.environ.get("CI", "").strip().lower() not in {"", "0", "false"}


def test_reference_validator_accepts_the_skill(tmp_path):
    # arrange: the validator wants the folder named like the skill, as the
    # README's installation steps make it
    validator = _validator()
    if validator is None:
        if _IN_CI:
            pytest.fail("skills-ref (the `test` extra) is not installed in CI")
        pytest.skip("skills-ref missing")
    folder = tmp_path / "membrane-pusher"
    folder.mkdir()
    shutil.copy(SKILL, folder / "SKILL.md")
    shutil.copytree(ROOT / "references", folder / "references")

    # act
    result = subprocess.run(
        [validator, "validate", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )

    # assert
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid skill" in result.stdout


def _error_types() -> set[str]:
    """Every error type the package or the command line can report."""
    classes = [
        item
        for _name, item in inspect.getmembers(errors, inspect.isclass)
        if issubclass(item, errors.MembranePusherError)
    ]
    kinds = {error_class.kind for error_class in classes}
    reported = re.findall(r'_report\(\s*state,\s*"(\w+)"', inspect.getsource(app))
    return kinds | set(reported)


def test_every_error_type_is_documented():
    # arrange
    text = (ROOT / "references" / "errors.md").read_text(encoding="utf-8")
    types = _error_types()

    # act
    missing = sorted(kind for kind in types if f"`{kind}`" not in text)

    # assert
    assert {"usage_error", "internal_error", "interrupted", "failure"} <= types
    assert {"input_too_large", "unparseable_output", "sandbox_error"} <= types
    assert missing == []


def test_the_skill_points_to_every_error_type():
    text = SKILL.read_text(encoding="utf-8")

    assert "Every error type" in text
    assert "(references/errors.md)" in text
    assert "retry only 5xx and timeouts" not in text
    assert "Never resend a write" in text


@pytest.fixture(scope="module")
def docs_sandbox(pusher_sandbox_install_dir, tmp_path_factory):
    """Run the documented commands against a sandbox that `sandbox up` manages."""
    return pusher_sandbox_install_dir, tmp_path_factory.mktemp("docs-state")


@pytest.mark.soketi
@pytest.mark.slow
def test_every_documented_command_runs(docs_sandbox, monkeypatch, pusher_sandbox_env):
    # arrange: the session sandbox is the "user's" Membrane; `--sandbox` commands use
    # the one `sandbox up` starts; `agent` gets a scripted model
    install_dir, state_dir = docs_sandbox
    monkeypatch.setenv("MEMBRANE_PUSHER_SANDBOX_DIR", str(install_dir))
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(state_dir))
    patch_model(monkeypatch, [("pusher_list_channels", {})], answer="None occupied.")
    send = {
        "channels": ["deploys"],
        "event": "deploy-finished",
        "data": "Deploy finished",
    }
    monkeypatch.setattr(
        "membrane_pusher.demo.models.load_chat_model",
        lambda _spec, **_kw: scripted_model([("pusher_trigger_event", send)], "Sent."),
    )
    failures = []

    try:
        for doc, command, stdin in ALL_COMMANDS:
            args = shlex.split(command)[1:]
            if args[:1] == ["demo"]:
                args = [*args, "--no-install"]

            # act
            outcome = invoke_cli(args, stdin=stdin)

            # assert (collected, to report every broken command at once)
            expected = {0, 1} if args[:2] == ["sandbox", "status"] else {0}
            if outcome.exit_code not in expected:
                failures.append(
                    f"{doc}: {command} -> {outcome.exit_code}\n"
                    f"{outcome.stdout[-400:]}{outcome.stderr[-400:]}"
                )
    finally:
        invoke_cli(["sandbox", "down"])

    assert not failures, "\n\n".join(failures)
