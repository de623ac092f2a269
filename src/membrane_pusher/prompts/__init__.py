"""Prompt templates shipped with the package, loaded by name.

The templates are Markdown files kept in the repository's top-level `prompts/`
folder. The wheel carries them inside this package (`force-include` in
pyproject.toml maps `prompts/` onto `membrane_pusher/prompts/`), where
`importlib.resources` finds them, zipped or not. An editable install has no
copy there, so the loader falls back to the checkout's `prompts/` folder.

Placeholders are `{name}`; literal braces are written `{{` and `}}`.

```python
from membrane_pusher.prompts import load_prompt, prompt_variables

assert prompt_variables("pusher_operator") == ["tool_names"]
system = load_prompt(
    "pusher_operator", tool_names="pusher_trigger_event, pusher_list_channels"
)
```

(tests/cli/test_prompts.py runs this example.)
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["PromptError", "list_prompts", "load_prompt", "prompt_variables"]

_SUFFIX = ".md"


class PromptError(LookupError):
    """A prompt is unknown, or its variables do not match the template."""


def list_prompts() -> list[str]:
    """Return the names of the shipped prompts, sorted.

    Returns:
        Names such as `"pusher_operator"`, usable with `load_prompt`.
    """
    return sorted(_templates())


def prompt_variables(name: str) -> list[str]:
    """Return the variables a prompt expects, in order of first use.

    Args:
        name: A name from `list_prompts()`.

    Returns:
        The placeholder names of the template.

    Raises:
        PromptError: When no prompt has that name.
    """
    return _placeholders(_template_text(name))


def load_prompt(name: str, /, **variables: object) -> str:
    """Return a prompt with its `{placeholders}` filled in.

    Args:
        name: A name from `list_prompts()` (with or without `.md`).
        **variables: One value per placeholder; values are converted with
            `str()`.

    Returns:
        The filled-in prompt text.

    Raises:
        PromptError: When the prompt is unknown, a placeholder has no value,
            or a value is given for a placeholder the template does not have.
    """
    template = _template_text(name)
    expected = _placeholders(template)

    missing = [v for v in expected if v not in variables]
    unknown = sorted(set(variables) - set(expected))
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown {', '.join(unknown)}")
        msg = (
            f"prompt {name!r}: {'; '.join(parts)} "
            f"(it takes: {', '.join(expected) or 'no variables'})"
        )
        raise PromptError(msg)

    return template.format_map({key: str(value) for key, value in variables.items()})


def _template_text(name: str) -> str:
    """Read one template, or fail with the list of known names."""
    stem = name.removesuffix(_SUFFIX)
    templates = _templates()
    resource = templates.get(stem)
    if resource is None:
        known = ", ".join(sorted(templates)) or "none found"
        msg = f"no prompt named {name!r} (known prompts: {known})"
        raise PromptError(msg)
    return resource.read_text(encoding="utf-8")


def _placeholders(template: str) -> list[str]:
    """List the simple `{name}` fields of a template, rejecting anything else."""
    names: list[str] = []
    for _, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            msg = f"unsupported placeholder {{{field}}}: use {{name}} or {{{{ }}}}"
            raise PromptError(msg)
        if field not in names:
            names.append(field)
    return names


@cache
def _templates() -> dict[str, Traversable]:
    """Map prompt names to their files: packaged copy first, then the checkout."""
    for folder in (resources.files(__name__), _checkout_folder()):
        if folder is None:
            continue
        found = {
            entry.name.removesuffix(_SUFFIX): entry
            for entry in folder.iterdir()
            if entry.is_file() and entry.name.endswith(_SUFFIX)
        }
        if found:
            return found
    return {}


def _checkout_folder() -> Traversable | None:
    """Return the repository's `prompts/` folder when running from a checkout.

    NOTE: only editable installs take this path; a wheel never looks outside
    its own package.
    """
    root = Path(__file__).resolve().parents[3]
    folder = root / "prompts"
    if (root / "pyproject.toml").is_file() and folder.is_dir():
        return folder
    return None
