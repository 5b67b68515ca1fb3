"""Encoding detection that decodes only a file's first chunk in Python.

``scan_bytes`` decodes the first chunk (8 MiB) to tell UTF-8 from GBK; DuckDB's reader checks
the rest and reports a later invalid byte as INVALID ENCODING, and the loader then re-reads
the file as GBK/GB18030. Here the chunk is shrunk so that a small file has a "late" GBK byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics import warehouse
from analytics.ingest import IngestError, csvfile, ingest_paths
from analytics.validation import make_uscc

HEADER = "payment_id,merchant_id,paid_at,amount_paid,invoice_requested,buyer_type\n"


def _rows(n: int, buyer: str) -> str:
    mid = make_uscc("9", "1", "110105", "MA000001")
    return "".join(
        f"P{i:04d},{mid},2026-01-0{1 + i % 9} 10:00:00,{i}.00,是,{buyer}\n" for i in range(n)
    )


def test_gbk_past_the_first_chunk_is_reread_as_gbk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvfile, "CHUNK", 64)
    path = tmp_path / "late_gbk.csv"
    # the header and first rows are ASCII; the Chinese buyer types come after byte 64
    path.write_bytes((HEADER + _rows(20, "个人")).encode("gb18030"))
    con = warehouse.connect(":memory:")
    (result,) = ingest_paths(con, [path], progress=False)
    assert result.encoding == "gb18030"
    assert result.rows_loaded == 20
    assert result.rows_rejected == 0
    stored = con.execute("select distinct buyer_type from payments").fetchall()
    assert stored == [("individual",)]  # 个人 decoded, then mapped through the aliases
    assert con.execute("select encoding from import_batches").fetchall() == [("gb18030",)]


def test_utf8_file_longer_than_the_sniffed_chunk_stays_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvfile, "CHUNK", 64)
    path = tmp_path / "utf8.csv"
    path.write_text(HEADER + _rows(20, "企业"), encoding="utf-8")
    con = warehouse.connect(":memory:")
    (result,) = ingest_paths(con, [path], progress=False)
    assert result.encoding == "utf-8"
    assert result.rows_loaded == 20
    assert con.execute("select distinct buyer_type from payments").fetchall() == [("enterprise",)]


def test_a_file_mixing_utf8_and_gbk_names_the_line_where_each_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UTF-8 rows with one pasted in GBK: neither decoding reads it whole; the message says on
    which line UTF-8 breaks (where the foreign row is), not only GB18030's first bad byte."""
    monkeypatch.setattr(csvfile, "CHUNK", 64)
    path = tmp_path / "mixed.csv"
    head = (HEADER + _rows(10, "企业")).encode("utf-8")
    pasted = _rows(1, "个人").encode("gb18030")
    path.write_bytes(head + pasted + _rows(3, "企业").encode("utf-8"))
    con = warehouse.connect(":memory:")
    with pytest.raises(IngestError) as info:
        ingest_paths(con, [path], progress=False)
    first_gbk = len(head) + next(i for i, b in enumerate(pasted) if b >= 0x80)
    assert str(info.value).startswith(
        "mixed.csv: cannot decode as UTF-8 or GBK/GB18030 (as UTF-8 the first bad byte is on "
        f"line 12 (byte offset {first_gbk:,}); as GBK/GB18030 the first bad byte is on line 2"
    )
    assert info.value.code == "encoding"
