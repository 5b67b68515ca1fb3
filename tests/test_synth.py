"""The synthetic Beijing generator: determinism, file formats, validity, planted truth."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import fastexcel
import numpy as np
import openpyxl
import polars as pl
import pytest

from analytics.config import REFERENCE_DIR, SQL_DIR
from analytics.synth import GenerateResult, generate, invoices
from analytics.synth.behaviours import CAUSES
from analytics.synth.clock import AS_OF, DAY, Period, epoch_s, make_clock
from analytics.synth.complaints import month_events
from analytics.synth.generate import resolve_scale
from analytics.synth.merchants import build_merchants
from analytics.synth.names import name_variant
from analytics.synth.reference import load_reference
from analytics.validation import (
    canonical_invoice_no,
    invoice_no_problems,
    is_individual_business,
    normalize_name,
    parse_tax_rate,
    taxpayer_id_format,
)
from analytics.workdays import add_workdays, workdays_between

SMALL = {"merchants": 120, "months": 3}
SEED = 7
EMPTY = {"", "null", "--"}
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)
DATE_FIELDS = ("issued_at", "recorded_at", "paid_at", "received_at", "resolved_at", "registered_on")


def _header_map() -> dict[tuple[str, str], str]:
    with (REFERENCE_DIR / "header_maps.csv").open(encoding="utf-8") as fh:
        return {(r["kind"], r["source"]): r["canonical"] for r in csv.DictReader(fh)}


HEADERS = _header_map()


def _parse_date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if value is None or str(value).strip() in EMPTY:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(str(value), fmt)
        except ValueError:
            continue
    return None


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _raw(root: Path, entry: dict[str, Any]) -> pl.DataFrame:
    """A file (or sheet) as written, all values as text, header row as column names."""
    path = root / entry["path"]
    fmt = entry["format"]
    if fmt == "csv":
        encoding = "gb18030" if entry.get("encoding", "").startswith("gb") else "utf-8-sig"
        text = path.read_bytes().decode(encoding)
        return pl.read_csv(text.encode(), infer_schema=False)
    if fmt == "xlsx":
        sheet = fastexcel.read_excel(path).load_sheet_by_name(entry["sheet"], dtypes="string")
        return sheet.to_polars()
    if fmt == "json":
        return pl.DataFrame(json.loads(path.read_text("utf-8")), infer_schema_length=None).cast(
            pl.String
        )
    if fmt == "jsonl":
        return pl.read_ndjson(path, infer_schema_length=None).cast(pl.String)
    return pl.read_parquet(path).cast(pl.String)


def _records(root: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Data records with canonical keys (totals row dropped) plus the invoice key."""
    raw = _raw(root, entry)
    if entry["kind"] == "tax_records":
        raw = raw.head(raw.height - 1)
    kind = entry["kind"]
    out = []
    for row in raw.rename({c: HEADERS.get((kind, c), c) for c in raw.columns}).iter_rows(
        named=True
    ):
        clean = {k: (None if v is None or str(v).strip() in EMPTY else v) for k, v in row.items()}
        if kind in ("issued_invoices", "tax_records"):
            clean["key"] = clean.get("invoice_no") or canonical_invoice_no(
                clean.get("digital_invoice_no"),
                clean.get("invoice_code"),
                clean.get("invoice_number"),
            )
        out.append(clean)
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("synth") / "a", seed=SEED, progress=False, **SMALL)


@pytest.fixture(scope="module")
def manifest(run: GenerateResult) -> dict[str, Any]:
    return dict(json.loads((run.out_dir / "manifest.json").read_text("utf-8")))


@pytest.fixture(scope="module")
def bad(manifest: dict[str, Any]) -> dict[tuple[str, str | None, int], str]:
    return {(b["file"], b.get("sheet"), b["row"]): b["flaw"] for b in manifest["bad_rows"]}


@pytest.fixture(scope="module")
def records(
    run: GenerateResult, manifest: dict[str, Any], bad: dict[tuple[str, str | None, int], str]
) -> dict[str, list[dict[str, Any]]]:
    """Per kind, every record with its file, row number and flaw (None when clean)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest["files"]:
        for i, rec in enumerate(_records(run.out_dir, entry), start=1):
            rec["_file"], rec["_row"] = entry["path"], i
            rec["_flaw"] = bad.get((entry["path"], entry.get("sheet"), i))
            out.setdefault(entry["kind"], []).append(rec)
    return out


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_bytes(run: GenerateResult, tmp_path: Path) -> None:
    again = generate(tmp_path / "b", seed=SEED, progress=False, **SMALL)
    first, second = _digests(run.out_dir), _digests(again.out_dir)
    assert len(first) > 20
    assert first == second


def test_a_different_seed_gives_different_files(run: GenerateResult, tmp_path: Path) -> None:
    other = _digests(generate(tmp_path / "c", seed=SEED + 1, progress=False, **SMALL).out_dir)
    mine = _digests(run.out_dir)
    differing = [k for k in mine if mine[k] != other.get(k)]
    assert "merchants.csv" in differing
    assert len(differing) >= 0.9 * len(mine)


def test_workbooks_carry_fixed_timestamps(run: GenerateResult) -> None:
    books = sorted(run.out_dir.rglob("*.xlsx"))
    assert books
    stamp = (AS_OF.year, AS_OF.month, AS_OF.day, AS_OF.hour, AS_OF.minute, AS_OF.second)
    for book in books:
        with zipfile.ZipFile(book) as zf:
            assert {info.date_time for info in zf.infolist()} == {stamp}
            core = zf.read("docProps/core.xml").decode()
        assert AS_OF.strftime("%Y-%m-%dT%H:%M:%S") in core
    # a strict reader opens them too
    wb = openpyxl.load_workbook(books[0], read_only=True)
    assert wb.sheetnames


def test_manifest_lists_every_file_with_true_row_counts(
    run: GenerateResult, manifest: dict[str, Any]
) -> None:
    raw_tables = set(
        re.findall(
            r"create table if not exists (\w+)", (SQL_DIR / "schema" / "raw.sql").read_text()
        )
    )
    listed = {e["path"] for e in manifest["files"]}
    on_disk = {p.relative_to(run.out_dir).as_posix() for p in run.out_dir.rglob("*") if p.is_file()}
    assert on_disk - {"manifest.json"} == listed
    for entry in manifest["files"]:
        assert entry["kind"] in raw_tables
        assert len(_records(run.out_dir, entry)) == entry["rows"], entry["path"]
    assert manifest["seed"] == SEED
    assert manifest["parameters"]["merchants"] == SMALL["merchants"]
    assert {e["kind"] for e in manifest["files"]} == raw_tables - {"tax_record_lines"} | {
        "tax_record_lines"
    }


def test_headers_are_aliases_from_the_header_maps(
    run: GenerateResult, manifest: dict[str, Any]
) -> None:
    for entry in manifest["files"]:
        unknown = [c for c in _raw(run.out_dir, entry).columns if (entry["kind"], c) not in HEADERS]
        assert unknown == [], (entry["path"], unknown)


def test_merchant_ids_are_valid_and_flag_individuals(
    records: dict[str, list[dict[str, Any]]],
) -> None:
    rows = records["merchants"]
    clean = [r for r in rows if r["_flaw"] is None]
    assert len({r["merchant_id"] for r in clean}) == SMALL["merchants"]
    for r in clean:
        assert taxpayer_id_format(r["merchant_id"]) is not None, r
        assert (
            is_individual_business(r["merchant_id"]) == (r["is_individual"] == "是")
            or len(r["merchant_id"]) == 15
        )
        assert r["district"].endswith("区")
    share = sum(r["is_individual"] == "是" for r in clean) / len(clean)
    assert 0.2 < share < 0.5
    flawed = [r for r in rows if r["_flaw"] == "invalid_uscc"]
    assert flawed
    assert all(taxpayer_id_format(r["merchant_id"]) is None for r in flawed)


def test_legacy_ids_occur_and_are_accepted() -> None:
    ref = load_reference()
    m = build_merchants(3000, ref, Period(12), np.random.default_rng(1))
    legacy = [(i, f) for i, f in zip(m.merchant_id, m.id_format, strict=True) if f != "uscc"]
    assert legacy
    assert all(taxpayer_id_format(i) == f for i, f in legacy)
    area_codes = set(ref.district_codes)
    assert all(
        i[2:8] in area_codes for i, f in zip(m.merchant_id, m.id_format, strict=True) if f == "uscc"
    )


def test_invoice_numbers_are_well_formed(records: dict[str, list[dict[str, Any]]]) -> None:
    checked = 0
    for kind in ("issued_invoices", "tax_records"):
        for r in records[kind]:
            issued = _parse_date(r["issued_at"])
            if r["_flaw"] is None:
                assert issued is not None
                assert invoice_no_problems(r["key"], issued.date()) == [], r
                checked += 1
            elif r["_flaw"] in ("invalid_invoice_no", "invoice_year_mismatch"):
                assert invoice_no_problems(r["key"], issued.date() if issued else None), r
    assert checked > 1000


def test_tax_exports_close_with_a_totals_row(run: GenerateResult, manifest: dict[str, Any]) -> None:
    tax = [e for e in manifest["files"] if e["kind"] == "tax_records"]
    assert len(tax) == SMALL["months"]
    spellings = set()
    for entry in tax:
        raw = _raw(run.out_dir, entry)
        spellings |= {"数电发票号码", "数电票号码"} & set(raw.columns)
        last, data = raw.row(-1, named=True), raw.head(raw.height - 1)
        assert last["序号"] == "合计"
        for col in ("金额", "税额", "价税合计"):
            total = sum(_number(v) or 0.0 for v in data[col].to_list())
            assert _number(last[col]) == pytest.approx(total, abs=0.01)
        assert all(
            last[c] in (None, "")
            for c in raw.columns
            if c not in ("序号", "金额", "税额", "价税合计")
        )
    assert spellings == {"数电发票号码", "数电票号码"}
    lines = [e for e in manifest["files"] if e["kind"] == "tax_record_lines"]
    assert len(lines) == 1
    assert lines[0]["sheet"] == "信息汇总表"
    sheet = _raw(run.out_dir, lines[0])
    assert sheet["数量"].str.contains(r"^-?\d+\.0{8}$").all()


def test_red_invoices_reverse_their_originals(records: dict[str, list[dict[str, Any]]]) -> None:
    tax = [r for r in records["tax_records"] if r["_flaw"] is None]
    status = {r["key"]: r["status"] for r in tax}
    reds = [r for r in tax if r["is_positive"] == "否"]
    assert reds
    for red in reds:
        assert float(red["total_amount"]) < 0
        match = re.search(r"被红冲蓝字数电发票号码：(\d{20})", red["remark"] or "")
        original = match.group(1) if match else None
        if original in status:
            assert status[original] == "已红冲-全额"
    reversed_ = [k for k, s in status.items() if s == "已红冲-全额"]
    assert len(reversed_) >= len(reds) * 0.5


def test_the_gbk_export_is_really_gbk(run: GenerateResult, manifest: dict[str, Any]) -> None:
    gbk = [e for e in manifest["files"] if e["path"].startswith("issued/piaolian/")]
    assert gbk
    for entry in gbk:
        data = (run.out_dir / entry["path"]).read_bytes()
        text = data.decode("gbk")
        assert "FPDM" in text.splitlines()[0]
        assert "\r\n" in text
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


def test_planted_labels(records: dict[str, list[dict[str, Any]]]) -> None:
    labels = records["planted_labels"]
    months = set(Period(SMALL["months"]).labels)
    causes = {r["cause"] for r in labels}
    assert causes <= set(CAUSES)
    assert len(causes) >= 5
    by_merchant: dict[str, set[str]] = {}
    for r in labels:
        assert r["period"] in months
        by_merchant.setdefault(r["merchant_id"], set()).add(r["cause"])
    assert all(len(c) == 1 for c in by_merchant.values())
    registry = {r["merchant_id"] for r in records["merchants"]}
    assert set(by_merchant) <= registry


def test_nothing_is_dated_after_the_as_of_time(records: dict[str, list[dict[str, Any]]]) -> None:
    future_flaws = 0
    for kind, rows in records.items():
        for r in rows:
            for field in DATE_FIELDS:
                if field not in r or r[field] is None:
                    continue
                when = _parse_date(r[field])
                if r["_flaw"] is None:
                    assert when is not None, (kind, r)
                    assert date(2000, 1, 1) <= when.date(), (kind, r)
                    assert when <= AS_OF, (kind, field, r)
                elif r["_flaw"] == "date_in_future" and when and when > AS_OF:
                    future_flaws += 1
    assert future_flaws >= 1


def test_complaints_follow_the_reference_sets(
    records: dict[str, list[dict[str, Any]]],
) -> None:
    ref = load_reference()
    rows = [r for r in records["complaints"] if r["_flaw"] is None]
    assert len(rows) >= 20
    assert {r["category"] for r in rows} <= set(ref.category_names) | {None}
    assert any(r["category"] is None for r in rows)
    assert {r["channel"] for r in rows} <= set(ref.channel_names)
    assert {r["status"] for r in rows} <= {"open", "in_progress", "resolved", "closed"}
    registry = {r["merchant_id"] for r in records["merchants"]}
    keys = {normalize_name(r["name"]) for r in records["merchants"]}
    by_id = [r for r in rows if r["merchant_id"]]
    by_name = [r for r in rows if not r["merchant_id"]]
    assert 0.25 < len(by_id) / len(rows) < 0.75
    assert all(r["merchant_id"] in registry for r in by_id)
    matched = sum(normalize_name(r["merchant_name"]) in keys for r in by_name)
    assert matched >= 0.4 * len(by_name)
    assert all(re.search(r"[\u4e00-\u9fff]", r["text"]) for r in rows)


def test_bad_rows_carry_the_listed_flaw(records: dict[str, list[dict[str, Any]]]) -> None:
    seen: set[str] = set()
    total = sum(len(v) for v in records.values())
    flawed = [r for rows in records.values() for r in rows if r["_flaw"]]
    assert 0.001 < len(flawed) / total < 0.02
    for kind in ("issued_invoices", "tax_records"):
        rows = records[kind]
        for prev, r in zip([None, *rows], rows, strict=False):
            flaw = r["_flaw"]
            if flaw is None:
                continue
            seen.add(flaw)
            amounts = [_number(r.get(k)) for k in ("amount", "tax_amount", "total_amount")]
            if flaw == "exact_duplicate":
                assert prev is not None
                assert {k: v for k, v in r.items() if not k.startswith("_")} == {
                    k: v for k, v in prev.items() if not k.startswith("_")
                }
            elif flaw == "invalid_uscc":
                assert taxpayer_id_format(r["merchant_id"] or r.get("seller_tax_id") or "") is None
            elif flaw == "total_mismatch":
                assert abs(amounts[0] + amounts[1] - amounts[2]) > 0.01
            elif flaw == "unparseable_date":
                assert _parse_date(r["issued_at"]) is None
            elif flaw == "date_before_2000":
                assert _parse_date(r["issued_at"]).year < 2000
            elif flaw == "blue_negative":
                assert amounts[2] < 0
            elif flaw == "red_without_original":
                assert r.get("original_invoice_no") is None
                assert r.get("remark") is None
            elif flaw == "invalid_tax_rate":
                assert parse_tax_rate(r["tax_rate"]) is None
            elif flaw == "unparseable_number":
                assert amounts[0] is None
            elif flaw == "missing_required":
                assert r["key"] is None or r.get("merchant_id") is None or amounts[0] is None
    assert {"exact_duplicate", "missing_required"} <= seen
    assert len(seen) >= 6


def test_planted_causes_show_in_the_files(records: dict[str, list[dict[str, Any]]]) -> None:
    """Silent drops and chronic lateness are visible by reconciling the files themselves."""
    tax = {r["key"]: r for r in records["tax_records"] if r["_flaw"] is None}
    planted = {(r["merchant_id"], r["period"]): r["cause"] for r in records["planted_labels"]}
    stats: dict[str, list[float]] = {"silent_drop": [], "chronic_late_entry": [], "none": []}
    late: dict[str, list[float]] = {"chronic_late_entry": [], "none": []}
    for r in records["issued_invoices"]:
        issued = _parse_date(r["issued_at"])
        if r["_flaw"] is not None or issued is None or r.get("red_flag") in ("是", "true", "Y"):
            continue
        cause = planted.get((r["merchant_id"], issued.strftime("%Y-%m")), "none")
        found = tax.get(r["key"])
        if cause in stats:
            stats[cause].append(0.0 if found else 1.0)
        if cause in late and found:
            recorded = _parse_date(found["recorded_at"])
            late[cause].append(
                float(workdays_between(_parse_date(found["issued_at"]), recorded) > 2)
            )
    assert np.mean(stats["none"]) < 0.02
    if stats["silent_drop"]:
        assert np.mean(stats["silent_drop"]) > 0.1
    assert np.mean(late["none"]) < 0.1
    if late["chronic_late_entry"]:
        assert np.mean(late["chronic_late_entry"]) > 0.4
    assert stats["silent_drop"] or late["chronic_late_entry"]


def test_complaints_follow_dropped_invoices() -> None:
    """The complaint model reacts to real problems: dropped invoices draw far more complaints."""
    n = 20_000
    issued = np.full(n, epoch_s(datetime(2026, 3, 2, 10)), dtype=np.int64)
    dropped = np.arange(n) < n // 2
    rows = pl.DataFrame(
        {
            "m": np.where(dropped, 0, 1),
            "issued_at": issued,
            "recorded_at": issued + 60,
            "kind": np.zeros(n, dtype=np.int64),
            "reaches_tax": ~dropped,
            "status": np.zeros(n, dtype=np.int64),
            "under": np.zeros(n, dtype=bool),
            "planted_red": np.zeros(n, dtype=bool),
            "invoice_no": [f"2611200000000{i:07d}" for i in range(n)],
            "paid": np.full(n, 10_000),
            "total": np.full(n, 10_000),
        }
    )
    not_invoiced = pl.DataFrame({"m": [1], "paid_at": [issued[0]], "amount": [100]})
    clock = make_clock(Period(12))
    events = month_events(rows, not_invoiced, clock, np.random.default_rng(0))
    per_merchant = events.group_by("m").len().sort("m")["len"].to_list()
    assert per_merchant[0] > 5 * per_merchant[1]
    named = events.filter(pl.col("m") == 0)["named"].mean()
    assert isinstance(named, float)
    assert named > 0.3


def test_regenerating_replaces_the_previous_files(tmp_path: Path) -> None:
    generate(tmp_path, seed=1, merchants=30, months=3, progress=False)
    generate(tmp_path, seed=1, merchants=30, months=2, progress=False)
    assert not list(tmp_path.rglob("*2026-08*"))
    assert list(tmp_path.rglob("*2026-10*"))


def test_work_clock_agrees_with_workdays() -> None:
    clock = make_clock(Period(12))
    starts = [
        datetime(2026, 9, 30, 10, 0),
        datetime(2026, 2, 13, 17, 5),  # Friday before the Spring Festival
        datetime(2026, 2, 14, 9, 0),  # a 调休 working Saturday
        datetime(2026, 3, 30, 17, 5),
    ]
    ts = np.array([epoch_s(t) for t in starts], dtype=np.int64)
    later = clock.add(ts, np.full(len(ts), 2.0))
    for t, end in zip(starts, later, strict=True):
        expected = add_workdays(t.date(), 2)
        got = datetime(1970, 1, 1) + (int(end) - int(end) % DAY) * np.timedelta64(1, "s").item()
        assert got.date() == expected
    end = np.array([epoch_s(datetime(2026, 4, 3, 9, 12))] * len(ts), dtype=np.int64)
    delays = clock.delay(ts, end)
    for t, d in zip(starts, delays, strict=True):
        assert d == pytest.approx(workdays_between(t, datetime(2026, 4, 3, 9, 12)), abs=1e-6)


def test_name_variants_keep_the_matching_key() -> None:
    name = "北京市朝阳区好味来餐饮有限公司（望京店）"
    assert name_variant(name, "half_width") == "北京市朝阳区好味来餐饮有限公司(望京店)"
    assert name_variant(name, "no_suffix") == "北京市朝阳区好味来餐饮（望京店）"
    assert name_variant(name, "no_city") == "朝阳区好味来餐饮有限公司（望京店）"
    assert name_variant(name, "short") == "好味来餐饮(望京店)"
    for kind in ("official", "half_width", "no_suffix"):
        assert normalize_name(name_variant(name, kind)) == normalize_name(name)
    assert name_variant("张记小吃店（个体工商户）", "no_suffix") == "张记小吃店"


def test_scale_follows_the_invoice_target() -> None:
    assert resolve_scale(None, 12, None) == (2000, 300_000)
    assert resolve_scale(None, 12, 10_000_000) == (66_667, 10_000_000)
    assert resolve_scale(500, 12, 10_000_000) == (500, 10_000_000)
    assert resolve_scale(60, 3, None) == (60, 2_250)
    with pytest.raises(ValueError, match="months"):
        resolve_scale(None, 0, None)


def test_volume_matches_the_target(run: GenerateResult) -> None:
    target = run.parameters["invoices"]
    issued = run.counts["issued_invoices"]
    assert 0.85 * target < issued < 1.2 * target
    assert 1.8 < run.counts["payments"] / issued < 3.5
    text = run.summary()
    assert "planted merchants by cause" in text
    assert "issued_invoices" in text


def test_a_vendor_re_pricing_day_makes_consistent_tax_records_that_differ_from_the_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """edited_after_upload: in an incident month, the culprit vendor's blue invoices of one day
    get other amounts in the tax system (each record still adds up); nothing else moves."""
    monkeypatch.setattr(invoices, "EDIT_INCIDENT_SHARE", 1.0)
    monkeypatch.setattr(invoices, "EDITED_SHARE", 1.0)
    day = 86_400
    n = 40
    held = pl.DataFrame(
        {
            "issued_at": [day * (20_000 + (i // 4) % 2) + 3_600 for i in range(n)],
            "total": [11_300] * n,
            "amount": [10_000] * n,
            "tax": [1_300] * n,
            "rate_i": [6] * n,  # 13%
            "exempt": [False] * n,
            "kind": [invoices.KIND_RED if i == 0 else invoices.KIND_BLUE for i in range(n)],
            "status": [invoices.STATUS_NORMAL] * n,
        }
    )
    vendor = np.array([i % 4 for i in range(n)])
    out = invoices.edited_after_upload(held, vendor, np.random.default_rng(3))
    changed = (out["total"] != held["total"]).to_numpy()
    assert changed.any()
    assert len({int(v) for v in vendor[changed]}) == 1  # one vendor
    assert len({int(t) // day for t in held["issued_at"].to_numpy()[changed]}) == 1  # one day
    assert not changed[0]  # a red invoice keeps its amounts
    assert (out["amount"] + out["tax"] == out["total"]).all()
    edited = out.filter(pl.Series(changed))
    assert (edited["tax"] - (edited["amount"] * 0.13).round(0)).abs().max() <= 1
    again = invoices.edited_after_upload(held, vendor, np.random.default_rng(3))
    assert again.equals(out)
    monkeypatch.setattr(invoices, "EDIT_INCIDENT_SHARE", 0.0)
    assert invoices.edited_after_upload(held, vendor, np.random.default_rng(3)).equals(held)
