"""npm failing to fetch or start the CLI in the npx fallback means "no CLI".

A fake `npx` on PATH (and no `membrane`) stands for a machine whose npm cannot
reach the package: whatever it prints, the client must say that the CLI is
missing and how to install it, never that some id was not found.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import pytest

from membrane_pusher.errors import CLINotFoundError, NotFoundError
from membrane_pusher.membrane.client import MembraneClient
from membrane_pusher.membrane.locate import find_membrane, is_npx_fallback

if TYPE_CHECKING:
    from pathlib import Path

NPM_404 = """npm error code E404
npm error 404 Not Found - GET https://registry.npmjs.org/@membranehq%2fcli
npm error 404  '@membranehq/cli@*' is not in this registry.
"""
NPM_LEGACY_404 = "npm ERR! code E404\nnpm ERR! 404 Not Found - GET @membranehq/cli\n"
NO_EXECUTABLE = "npm error could not determine executable to run\n"
OFFLINE = (
    "npm error code ENOTFOUND\n"
    "npm error request to https://registry.npmjs.org/ failed, reason: "
    "getaddrinfo ENOTFOUND registry.npmjs.org\n"
)


def _fake_npx(folder: Path, stderr: str, *, exit_code: int = 1) -> dict[str, str]:
    """Write an `npx` that prints `stderr` and exits; return an env using it."""
    script = folder / "npx"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return {"PATH": str(folder)}


@pytest.mark.parametrize("stderr", [NPM_404, NPM_LEGACY_404, NO_EXECUTABLE, OFFLINE])
def test_npm_failures_in_the_npx_fallback_mean_cli_not_found(
    tmp_path: Path, stderr: str
) -> None:
    # Arrange
    env = _fake_npx(tmp_path, stderr)
    client = MembraneClient(command=find_membrane(env), read_retries=0)

    # Act
    with pytest.raises(CLINotFoundError) as caught:
        client.version()

    # Assert
    assert caught.value.kind == "cli_not_found"
    assert "npm install -g @membranehq/cli" in caught.value.hint
    assert "membrane connection list" not in caught.value.hint


def test_a_write_through_the_npx_fallback_is_classified_the_same(
    tmp_path: Path,
) -> None:
    # Arrange
    env = _fake_npx(tmp_path, NPM_404)
    client = MembraneClient(command=find_membrane(env), read_retries=0)

    # Act / Assert
    with pytest.raises(CLINotFoundError):
        client.connect("pusher")


def test_the_same_text_from_a_real_cli_keeps_its_own_meaning(tmp_path: Path) -> None:
    # Arrange: a `membrane` (not npx) that prints npm-looking text
    script = tmp_path / "membrane"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "sys.stderr.write('npm error 404 Not Found\\n')\nsys.exit(1)\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    client = MembraneClient(command=[str(script)], read_retries=0)

    # Act / Assert
    with pytest.raises(NotFoundError):
        client.get_connection("con_missing")


def test_npx_fallback_recognition() -> None:
    # Arrange
    npx = os.path.join("usr", "bin", "npx")  # noqa: PTH118 - a plain argv string

    # Act / Assert
    assert is_npx_fallback([npx, "-y", "@membranehq/cli", "--version"])
    assert is_npx_fallback([npx, "-y", "@membranehq/cli@1.2.3"])
    assert not is_npx_fallback([npx, "-y", "some-other-package"])
    assert not is_npx_fallback(["/usr/bin/membrane", "@membranehq/cli"])
    assert not is_npx_fallback([npx])
