"""The label catalogue: both languages everywhere, one owner per key, every used key exists."""

from __future__ import annotations

import re
import string
from pathlib import Path
from types import ModuleType

import pytest

from analytics.ingest.spec import KINDS
from analytics.reconcile import STATUSES
from dashboard import labels, profile_sections
from dashboard.i18n import LABELS

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
LITERAL = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
FSTRING = re.compile(r"""\bt\(\s*f["']([a-z0-9_.]+)\{""")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in LABELS.items():
        assert zh.strip(), key
        assert en.strip(), key
        assert _fields(zh) == _fields(en), key


def test_every_key_a_page_uses_exists() -> None:
    used: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for path in DASHBOARD.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used.update(dict.fromkeys(LITERAL.findall(text), path.name))
        prefixes.update(dict.fromkeys(FSTRING.findall(text), path.name))
    assert len(used) > 100
    assert {k: f for k, f in used.items() if k not in LABELS} == {}
    assert {p: f for p, f in prefixes.items() if not any(k.startswith(p) for k in LABELS)} == {}


def test_domain_codes_have_labels() -> None:
    assert [s for s in STATUSES if f"status.{s}" not in LABELS] == []
    assert [k for k in KINDS if f"kind.{k}" not in LABELS] == []
    for section in profile_sections.sections():
        assert section.title_key in LABELS


def _fake(
    name: str, table: dict[str, tuple[str, str]], prefixes: tuple[str, ...] = ()
) -> ModuleType:
    module = ModuleType(f"dashboard.labels.{name}")
    module.LABELS = table  # type: ignore[attr-defined]
    if prefixes:
        module.PREFIXES = prefixes  # type: ignore[attr-defined]
    return module


def test_a_key_defined_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    one = _fake("common", {"common.x": ("甲", "a")}, ("common",))
    two = _fake("ranking", {"ranking.y": ("乙", "b")}, ("ranking", "common"))
    two.LABELS["common.x"] = ("丙", "c")  # type: ignore[attr-defined]
    monkeypatch.setattr(labels, "_modules", lambda: [one, two])
    with pytest.raises(ValueError, match=r"'common.x' is defined in both labels/common.py"):
        labels.merged()


def test_a_key_outside_its_module_prefix_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    stray = _fake("ranking", {"overview.title": ("总览", "Overview")})
    monkeypatch.setattr(labels, "_modules", lambda: [stray])
    with pytest.raises(ValueError, match=r"must start with ranking\."):
        labels.merged()


def test_each_page_has_its_own_label_module() -> None:
    pages = {p.stem for p in (DASHBOARD / "app_pages").glob("*.py") if p.stem != "__init__"}
    modules = {p.stem for p in (DASHBOARD / "labels").glob("*.py") if p.stem != "__init__"}
    assert pages <= modules
