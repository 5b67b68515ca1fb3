"""analytics.uploads: staging uploaded bytes, loading them, and a busy warehouse."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from factories import held_warehouse

from analytics import uploads
from analytics.warehouse import WarehouseBusyError


def test_stage_upload_keeps_the_suffix_and_drops_directories(tmp_path: Path) -> None:
    path = uploads.stage_upload("../../etc/开票 明细:2026.csv", b"a,b\n", tmp_path)
    assert path.parent.parent == tmp_path
    assert path.name == "开票 明细_2026.csv"
    assert path.read_bytes() == b"a,b\n"
    again = uploads.stage_upload("x.csv", b"other", tmp_path)
    assert again.parent != path.parent  # different content, different folder


def test_a_busy_warehouse_is_reported_not_waited_for_forever(
    small_warehouse: Path, warehouse_copy: Path
) -> None:
    db = warehouse_copy
    with held_warehouse(db):  # another process holding the warehouse, as `analyse` would
        started = time.monotonic()
        with pytest.raises(WarehouseBusyError, match="held by another process"):
            uploads.load_uploads(
                [small_warehouse.parent / "files" / "merchants.csv"], db=db, timeout_s=0.5
            )
        assert time.monotonic() - started < 20
