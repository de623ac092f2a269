"""Lazy re-exports for the package `__init__` modules.

A package that re-exports its public names by importing them would load every
module behind them as soon as any one of its modules is imported (importing
`membrane_pusher.formats.common` runs `membrane_pusher.formats` first). With
`lazy_exports`, the package's `__init__` imports nothing: its module
`__getattr__` imports a name's module the first time the name is asked for,
then keeps the value, so later lookups do not come back here.

NOTE: an exported name must differ from the names of the package's modules:
importing a module sets the package attribute of its name to the module,
which would then shadow an export of the same name.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """Build a module `__getattr__` that imports each public name on first use.

    Args:
        package: The package's `__name__`.
        exports: Each public name, mapped to the module that defines it.

    Returns:
        The function to assign to the package's `__getattr__`.

    Example:
        ```python
        __getattr__ = lazy_exports(__name__, {"Sandbox": "pkg.sandbox"})
        ```
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's own name
        module = exports.get(name)
        if module is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
