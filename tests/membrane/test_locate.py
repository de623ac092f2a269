"""Finding the CLI: MEMBRANE_CLI, then PATH, then npx, else a clear error."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

import pytest

from membrane_pusher.errors import CLINotFoundError
from membrane_pusher.membrane.client import MembraneClient
from membrane_pusher.membrane.locate import find_membrane

if TYPE_CHECKING:
    from pathlib import Path


def _executable(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_membrane_cli_path_wins_over_path(tmp_path):
    configured = _executable(tmp_path / "custom dir", "my-membrane")
    on_path = _executable(tmp_path / "bin", "membrane")

    found = find_membrane(
        {"MEMBRANE_CLI": f"'{configured}'", "PATH": str(on_path.parent)}
    )

    assert found == [str(configured)]


def test_membrane_cli_command_line_is_split_and_resolved(tmp_path):
    npx = _executable(tmp_path / "bin", "npx")

    found = find_membrane(
        {"MEMBRANE_CLI": "npx -y @membranehq/cli", "PATH": str(npx.parent)}
    )

    assert found == [str(npx), "-y", "@membranehq/cli"]


def test_membrane_on_path_comes_before_npx(tmp_path):
    membrane = _executable(tmp_path / "bin", "membrane")
    _executable(tmp_path / "bin", "npx")

    assert find_membrane({"PATH": str(membrane.parent)}) == [str(membrane)]


def test_npx_is_the_fallback(tmp_path):
    npx = _executable(tmp_path / "bin", "npx")

    assert find_membrane({"PATH": str(npx.parent)}) == [
        str(npx),
        "-y",
        "@membranehq/cli",
    ]


def test_nothing_found_says_how_to_install(tmp_path):
    with pytest.raises(CLINotFoundError) as caught:
        find_membrane({"PATH": str(tmp_path)})

    assert "npm install -g @membranehq/cli" in caught.value.hint
    assert "MEMBRANE_CLI" in caught.value.hint


@pytest.mark.parametrize(
    "value", ["/nonexistent/membrane", "no-such-program-xyz", "'unclosed"]
)
def test_bad_membrane_cli_is_a_clear_error(tmp_path, value):
    with pytest.raises(CLINotFoundError) as caught:
        find_membrane({"MEMBRANE_CLI": value, "PATH": str(tmp_path)})

    assert "MEMBRANE_CLI" in caught.value.message


def test_client_finds_the_cli_lazily_from_its_env(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    client = MembraneClient(env={"MEMBRANE_CLI": "/nonexistent/membrane"})

    with pytest.raises(CLINotFoundError):
        client.status()


def test_program_that_cannot_start_is_cli_not_found(tmp_path):
    not_executable = tmp_path / "membrane"
    not_executable.write_text("#!/bin/sh\n")
    client = MembraneClient(command=[str(not_executable)])

    with pytest.raises(CLINotFoundError):
        client.version()


def test_an_unquoted_path_with_spaces_is_taken_whole(tmp_path):
    # Arrange
    configured = _executable(tmp_path / "My Tools", "membrane")

    # Act
    found = find_membrane({"MEMBRANE_CLI": str(configured), "PATH": str(tmp_path)})

    # Assert
    assert found == [str(configured)]


def test_a_client_command_with_spaces_is_taken_whole(tmp_path):
    # Arrange
    configured = _executable(tmp_path / "My Tools", "membrane")

    # Act
    client = MembraneClient(command=str(configured))

    # Assert
    assert client.command == [str(configured)]


def test_a_quoted_path_with_spaces_still_takes_arguments(tmp_path):
    # Arrange
    configured = _executable(tmp_path / "My Tools", "membrane")

    # Act
    found = find_membrane(
        {"MEMBRANE_CLI": f"'{configured}' --flag", "PATH": str(tmp_path)}
    )

    # Assert
    assert found == [str(configured), "--flag"]


def test_a_missing_path_with_spaces_hints_at_quoting(tmp_path):
    # Act
    with pytest.raises(CLINotFoundError) as caught:
        find_membrane(
            {"MEMBRANE_CLI": f"{tmp_path}/No Such/membrane", "PATH": str(tmp_path)}
        )

    # Assert
    assert "quote" in caught.value.hint
