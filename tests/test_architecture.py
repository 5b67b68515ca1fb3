"""Structural rules the codebase relies on (see ../shared/CONVENTIONS.md)."""

from __future__ import annotations

import ast
from pathlib import Path

from analytics import reference
from dashboard.i18n import LABELS

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_analytics_never_imports_streamlit() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "analytics").rglob("*.py")
        if "streamlit" in _imports(p)
    ]
    assert offenders == []


def test_only_the_seam_holds_streamlit_caches() -> None:
    holders = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "dashboard").rglob("*.py")
        if "st.cache_data" in p.read_text(encoding="utf-8")
        or "st.cache_resource" in p.read_text(encoding="utf-8")
    ]
    assert holders == ["dashboard/cached.py"]


def test_every_label_has_both_languages() -> None:
    missing = [key for key, (zh, en) in LABELS.items() if not zh.strip() or not en.strip()]
    assert missing == []


def test_reference_tables_have_both_languages() -> None:
    for name in ("districts", "industries", "size_bands", "vendors", "complaint_categories"):
        frame = reference.table(name)
        for column in ("name_zh", "name_en"):
            assert frame[column].null_count() == 0, (name, column)
            assert (frame[column].str.strip_chars() != "").all(), (name, column)


def test_sixteen_beijing_districts() -> None:
    districts = reference.table("districts")
    assert districts.height == 16
    assert districts["code"].str.starts_with("1101").all()
