"""`tools --format openai --strict`: one summary line, the details at -v.

Tools whose schemas cannot be strict are sent with `"strict": false`. People
get one line naming them on stderr instead of a warning per tool; `-v` adds
the reason for each, and `-q` or `--json` keep stderr quiet.
"""

from __future__ import annotations

import json

from membrane_pusher.cli.commands import tools as tools_command

STRICT = ["tools", "--format", "openai", "--strict"]


def not_strict_names(stdout: str) -> list[str]:
    return [
        tool["function"]["name"]
        for tool in json.loads(stdout)
        if tool["function"].get("strict") is False
    ]


def test_fallbacks_are_summed_up_in_one_line(invoke, app_env):
    # Act
    outcome = invoke(STRICT)

    # Assert
    assert outcome.exit_code == 0
    fallbacks = not_strict_names(outcome.stdout)
    assert len(fallbacks) >= 2
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, outcome.stderr
    [line] = lines
    assert line.startswith(f"strict mode is off for {len(fallbacks)} of ")
    assert fallbacks[0] in line
    assert line.endswith("(use -v for details)")
    assert "WARNING" not in outcome.stderr


def test_verbose_shows_the_reason_for_each_tool(invoke, app_env):
    # Act
    outcome = invoke([*STRICT, "-v"])

    # Assert
    fallbacks = not_strict_names(outcome.stdout)
    details = [
        line
        for line in outcome.stderr.splitlines()
        if "cannot use OpenAI strict" in line
    ]
    assert len(details) == len(fallbacks)
    assert f"strict mode is off for {len(fallbacks)} of " in outcome.stderr
    assert "use -v" not in outcome.stderr


def test_quiet_and_json_keep_stderr_clean(invoke, app_env):
    quiet = invoke([*STRICT, "-q"])
    as_json = invoke([*STRICT, "--json"])

    assert quiet.stderr == ""
    assert as_json.stderr == ""
    assert as_json.exit_code == 0


def test_many_fallbacks_are_counted_not_all_named(invoke, app_env, monkeypatch):
    # Arrange: every tool falls back
    def all_loose(tools, format_name, *, strict=False):
        return [
            {"type": "function", "function": {"name": f"tool_{i}", "strict": False}}
            for i in range(len(tools))
        ]

    monkeypatch.setattr(tools_command, "render_tools", all_loose)

    # Act
    outcome = invoke(STRICT)

    # Assert
    [line] = outcome.stderr.strip().splitlines()
    assert "tool_0, tool_1, tool_2, tool_3, tool_4 and " in line
    assert "tool_5" not in line
