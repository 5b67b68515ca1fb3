"""TOML rule files of ``data/reference/`` (alert rules, the credit scheme): read, parse, and the
``[[rules]]`` list, each failure an error naming the file and the reason.

The callers own their error class and check their own fields; this is only what both files
share, so that a person editing either gets the same messages for the same mistakes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar


class _Rule(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_Rule)


def read(path: Path, what: str, error: type[ValueError]) -> str:
    """The file's text; ``error`` naming the file when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc}") from exc


def parse(text: str, source: str, error: type[ValueError]) -> dict[str, Any]:
    """The TOML document; ``error`` prefixed with ``source`` when it is not valid TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{source}: not valid TOML: {exc}") from exc


def rules(
    data: Mapping[str, Any],
    source: str,
    error: type[ValueError],
    build: Callable[[Mapping[str, Any], str], R],
) -> tuple[R, ...]:
    """The ``[[rules]]`` tables, each built by ``build(raw, where)`` (``where`` names the file
    and the rule's position); refuses an empty list and repeated ids."""
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise error(f"{source}: no [[rules]]")
    built = tuple(build(r, f"{source}: rule {i}") for i, r in enumerate(raw_rules, start=1))
    ids = [r.id for r in built]
    if len(set(ids)) != len(ids):
        raise error(f"{source}: rule ids repeat: {', '.join(sorted(ids))}")
    return built
