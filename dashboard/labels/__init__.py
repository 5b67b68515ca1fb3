"""The label catalogue, one module per page (or shared concern), merged into one dictionary.

Each module here defines ``LABELS: dict[str, tuple[str, str]]`` (key -> (zh, en)) whose keys start
with the module's name and a dot (``overview.title`` in ``overview.py``), or with one of the
prefixes it lists in ``PREFIXES``. Modules are discovered, not registered: a new page adds
``labels/<page>.py`` and touches no shared file. :func:`merged` refuses a key defined twice or
outside its module's prefixes, naming both places, so two engineers cannot silently overwrite
each other's labels.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

Catalogue = dict[str, tuple[str, str]]


def _modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]


def merged() -> tuple[Catalogue, dict[str, str]]:
    """(key -> (zh, en), key -> module that defines it); raises on a duplicate or stray key."""
    labels: Catalogue = {}
    owner: dict[str, str] = {}
    for module in _modules():
        name = module.__name__.rsplit(".", 1)[-1]
        prefixes = tuple(f"{p}." for p in getattr(module, "PREFIXES", (name,)))
        for key, pair in module.LABELS.items():
            if not key.startswith(prefixes):
                raise ValueError(
                    f"label {key!r} in labels/{name}.py must start with {' or '.join(prefixes)}"
                )
            if key in labels:
                raise ValueError(
                    f"label {key!r} is defined in both labels/{owner[key]}.py and labels/{name}.py"
                )
            labels[key] = pair
            owner[key] = name
    return labels, owner
