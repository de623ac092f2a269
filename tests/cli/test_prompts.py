"""`membrane_pusher.prompts`: names, variables, errors, and the built wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

import pytest

import membrane_pusher.prompts
from membrane_pusher.prompts import (
    PromptError,
    list_prompts,
    load_prompt,
    prompt_variables,
)


def test_the_module_docstring_example_runs():
    # arrange
    doc = membrane_pusher.prompts.__doc__ or ""
    [example] = re.findall(r"```python\n(.*?)```", doc, flags=re.DOTALL)
    namespace: dict[str, object] = {}

    # act
    exec(compile(example, "membrane_pusher.prompts example", "exec"), namespace)  # noqa: S102 - our own docstring

    # assert
    system = namespace["system"]
    assert isinstance(system, str)
    assert "pusher_trigger_event, pusher_list_channels" in system


def test_shipped_prompts():
    assert list_prompts() == ["pusher_operator", "tool_selection"]


def test_operator_prompt_is_filled_and_covers_the_rules():
    # act
    text = load_prompt("pusher_operator", tool_names="pusher_trigger_event, x")

    # assert
    assert "pusher_trigger_event, x" in text
    assert "{" not in text
    for phrase in (
        "164 characters",
        "100 channels",
        "10,240 bytes",
        "confirmation",
        "Never invent",
        "report of what you did",
    ):
        assert phrase in text


def test_tool_selection_prompt_variables():
    # act
    names = prompt_variables("tool_selection.md")
    text = load_prompt("tool_selection", request="r", actions="a | b | c", max_tools=5)

    # assert
    assert names == ["request", "actions", "max_tools"]
    assert "at most 5 actions" in text


def test_missing_and_unknown_variables_are_named():
    with pytest.raises(PromptError, match=r"missing actions, max_tools; unknown extra"):
        load_prompt("tool_selection", request="r", extra=1)


def test_unknown_prompt_lists_the_known_ones():
    with pytest.raises(
        PromptError, match="known prompts: pusher_operator, tool_selection"
    ):
        load_prompt("nope")


_LOAD_FROM_WHEEL = """
import sys
sys.path.insert(0, sys.argv[1])
import membrane_pusher.prompts as prompts
assert sys.argv[1] in prompts.__file__, prompts.__file__
from importlib.resources import files
folder = files("membrane_pusher.prompts")
names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".md"))
print(",".join(names))
print(prompts.load_prompt("pusher_operator", tool_names="t")[:40])
"""


@pytest.mark.slow
def test_built_wheel_ships_the_prompts(tmp_path):
    # arrange: build the wheel from the checkout (no network: no isolation)
    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(root),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("membrane_pusher-*.whl")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)

    for location in (unpacked, wheel):  # unpacked, then imported from the zip
        # act
        result = subprocess.run(
            [sys.executable, "-I", "-c", _LOAD_FROM_WHEEL, str(location)],
            check=True,
            capture_output=True,
            text=True,
        )

        # assert
        names, start = result.stdout.splitlines()[:2]
        assert names == "pusher_operator.md,tool_selection.md"
        assert start.startswith("You operate a Pusher Channels app")
