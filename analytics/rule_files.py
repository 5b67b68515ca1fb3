"""TOML rule files of ``data/reference/`` (alert rules, the credit scheme): read, parse, and the
``[[rules]]`` list, each failure an error naming the file and the reason; and written back, for
the what-ifs' changed files (:func:`dump`).

The callers own their error class and check their own fields; this is only what both files
share, so that a person editing either gets the same messages for the same mistakes.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
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


def _value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    raise TypeError(f"no TOML for {value!r}")


def dump(header: str, tables: Sequence[tuple[str, Mapping[str, object]]]) -> str:
    """A rule file's text: ``header`` as comment lines, then each ``(name, values)`` table in
    order (``[scheme]``, ``[[rules]]``, ...) with its keys in order; strings, booleans,
    integers and floats only, which is all the two files hold."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    for name, values in tables:
        lines += ["", name, *(f"{k} = {_value(v)}" for k, v in values.items())]
    return "\n".join(lines).lstrip("\n") + "\n"
