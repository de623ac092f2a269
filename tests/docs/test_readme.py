"""README.md: its sandbox commands and its Python example run as written.

The "Trying every command on the sandbox" block is run command by command,
like the SKILL.md commands in `test_skill.py` (same in-process runner, same
scripted model for `agent`); a `# ... exit N` comment gives the exit code a
line expects. The sandbox example is run in a fresh interpreter.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

sys.path.insert(0, str(ROOT / "tests" / "cli"))

from cli_helpers import invoke_cli, patch_model  # noqa: E402

PROGRAM = ".venv/bin/membrane-pusher"


def _section(title: str) -> str:
    """The text of one `## ` section of the README."""
    text = README.read_text(encoding="utf-8")
    _, found, rest = text.partition(f"## {title}\n")
    assert found, f"README has no section {title!r}"
    return rest.split("\n## ", 1)[0]


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def _shell_lines(block: str) -> list[str]:
    """The block's lines with backslash continuations joined."""
    return block.replace("\\\n", " ").splitlines()


def _expected_exit(line: str) -> int:
    _, _, comment = line.partition("  #")
    found = re.search(r"\bexit (\d+)", comment)
    return int(found.group(1)) if found else 0


def sandbox_commands() -> tuple[dict[str, str], list[tuple[list[str], int, str]]]:
    """The exports and the commands (args, expected exit, line) of the block."""
    [block] = _blocks(_section("Trying every command on the sandbox"), "bash")
    exports: dict[str, str] = {}
    commands = []
    for line in _shell_lines(block):
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            exports[name] = value.replace("$PWD", str(ROOT))
            continue
        assert words[0] == PROGRAM, line
        commands.append((words[1:], _expected_exit(line), line.strip()))
    return exports, commands


def test_the_sandbox_block_is_parsed_whole():
    exports, commands = sandbox_commands()

    assert exports == {"MEMBRANE_PUSHER_SANDBOX_DIR": str(ROOT / ".sandbox")}
    assert commands[0][0] == ["sandbox", "up"]
    assert commands[-1][0] == ["sandbox", "down"]
    assert {args[0] for args, _, _ in commands} >= {
        "sandbox",
        "doctor",
        "tools",
        "call",
        "request",
        "agent",
    }
    assert [code for _, code, _ in commands].count(2) == 1


@pytest.mark.soketi
@pytest.mark.slow
def test_every_sandbox_command_of_the_readme_runs(
    pusher_sandbox_install_dir, tmp_path, monkeypatch
):
    # Arrange: the README's exports (soketi where the test run has it), a
    # private state folder, and a scripted model for `agent`
    exports, commands = sandbox_commands()
    for name, value in exports.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MEMBRANE_PUSHER_SANDBOX_DIR", str(pusher_sandbox_install_dir))
    monkeypatch.setenv("MEMBRANE_PUSHER_STATE_DIR", str(tmp_path / "state"))
    patch_model(monkeypatch, [("pusher_list_channels", {})], answer="None occupied.")
    failures = []

    try:
        for args, expected, line in commands:
            # Act
            outcome = invoke_cli(args)

            # Assert (collected, to report every broken command at once)
            if outcome.exit_code != expected:
                failures.append(
                    f"{line} -> {outcome.exit_code} (expected {expected})\n"
                    f"{outcome.stdout[-400:]}{outcome.stderr[-400:]}"
                )
    finally:
        invoke_cli(["sandbox", "down"])

    assert not failures, "\n\n".join(failures)


def _python_examples() -> list[str]:
    return _blocks(README.read_text(encoding="utf-8"), "python")


def test_every_python_example_is_valid_python_without_top_level_await():
    examples = _python_examples()

    assert examples
    for example in examples:
        tree = ast.parse(example)  # a bare top-level `await` does not parse
        assert not [node for node in ast.walk(tree) if isinstance(node, ast.Await)]


@pytest.mark.soketi
@pytest.mark.slow
def test_the_sandbox_example_runs_as_written(pusher_sandbox_install_dir, tmp_path):
    # Arrange
    [example] = [code for code in _python_examples() if "with Sandbox()" in code]
    env = {
        **os.environ,
        "MEMBRANE_PUSHER_SANDBOX_DIR": str(pusher_sandbox_install_dir),
        "TMPDIR": str(tmp_path),
    }

    # Act
    done = subprocess.run(
        [sys.executable, "-c", example],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    # Assert: the tool's answer, then what the subscriber received
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ['{"ok":true}', '{"ok":1}']
