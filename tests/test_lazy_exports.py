"""Packages re-export their names lazily, and each name stays what it names.

A lazily exported name that is also the name of one of the package's modules
would turn into that module once the module is imported; and a package
`__init__` that imports its modules would load them all with any one of them.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types

import pytest

LAZY_PACKAGES = [
    "membrane_pusher",
    "membrane_pusher.agent",
    "membrane_pusher.demo",
    "membrane_pusher.formats",
    "membrane_pusher.pusher.transports",
    "membrane_pusher.sandbox",
    "membrane_pusher.tools",
]


def submodule_names(package: types.ModuleType) -> set[str]:
    return {info.name for info in pkgutil.iter_modules(package.__path__)}


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_no_export_shares_its_name_with_a_module_of_the_package(name):
    package = importlib.import_module(name)

    clashes = set(package.__all__) & submodule_names(package)

    assert clashes == set()


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_every_export_stays_an_export_once_every_module_is_loaded(name):
    # arrange: load every module first, as a long-running program would have
    package = importlib.import_module(name)
    for module in submodule_names(package):
        importlib.import_module(f"{name}.{module}")

    for export in package.__all__:
        if export == "__version__":
            continue

        # act
        value = getattr(package, export)

        # assert
        assert not isinstance(value, types.ModuleType), export


def test_an_unknown_name_is_an_attribute_error():
    package = importlib.import_module("membrane_pusher.formats")

    with pytest.raises(AttributeError, match="no_such_name"):
        _ = package.no_such_name


def test_importing_one_module_of_a_package_loads_none_of_its_siblings():
    # arrange: a fresh interpreter, so nothing else has imported them yet
    code = (
        "import sys\n"
        "import membrane_pusher.formats.common\n"
        "import membrane_pusher.sandbox.standin.defaults\n"
        "import membrane_pusher.tools.naming\n"
        "print(sorted(m for m in sys.modules if m in {\n"
        "    'membrane_pusher.formats.mcp',\n"
        "    'membrane_pusher.formats.openai',\n"
        "    'membrane_pusher.sandbox.standin.commands',\n"
        "    'membrane_pusher.tools.action_tool',\n"
        "    'membrane_pusher.tools.base',\n"
        "}))\n"
    )

    # act
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    # assert
    assert result.stdout.strip() == "[]"
