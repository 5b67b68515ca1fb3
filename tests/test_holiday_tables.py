"""Holiday tables uploaded from the Data import page: checked as ``analyse`` reads them, shown,
then saved where it looks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from apptest import errors, open_page

from analytics import config, holiday_tables, workdays
from dashboard.i18n import LABELS

FIRST = date(2093, 1, 1).toordinal()
TABLE_2093 = (
    "date,kind,name\n"
    "2093-01-01,holiday,元旦\n"  # a Thursday
    "2093-01-02,holiday,元旦\n"
    "2093-01-04,workday,元旦调休\n"  # the Sunday after, worked
)


def test_a_table_is_checked_as_analyse_reads_it_and_gbk_is_accepted() -> None:
    cal, text = holiday_tables.check(TABLE_2093.encode("gb18030"), "2093年节假日.csv")
    assert text == TABLE_2093
    assert cal.year == 2093
    assert cal.breaks == ((date(2093, 1, 1), date(2093, 1, 3)),)
    assert cal.makeup == (date(2093, 1, 4),)
    assert cal.weekdays_off == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("day,kind\n2093-01-01,holiday\n", "upload.csv, line 1: expected the header"),
        ("date,kind,name\n01/01/2093,holiday,元旦\n", "upload.csv, line 2: '01/01/2093'"),
        ("date,kind,name\n", "upload.csv: no rows"),
        (
            "date,kind,name\n2093-01-01,holiday,元旦\n2094-01-01,holiday,元旦\n",
            "upload.csv, line 3: 2094-01-01 is not in 2093",
        ),
        (
            "date,kind,name\n2093-01-01,holiday,元旦\n2093-01-05,workday,调休\n",
            "upload.csv, line 3: 2093-01-05 is a Monday; kind workday",
        ),
    ],
)
def test_a_bad_table_is_refused_with_the_upload_line_and_reason(content: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        holiday_tables.check(content.encode(), "upload.csv")


def test_install_writes_the_year_s_file_in_one_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(config, "HOLIDAYS_DIR", tmp_path / "holidays")
    path = holiday_tables.install(TABLE_2093.encode("gb18030"), "notice.csv")
    assert path == tmp_path / "holidays" / "2093.csv"
    assert path.read_text(encoding="utf-8") == TABLE_2093  # stored as UTF-8
    assert [p.name for p in path.parent.iterdir()] == ["2093.csv"]  # no temporary left
    assert date(2093, 1, 4) in workdays._year_workdays(2093, path.parent)
    with pytest.raises(ValueError, match="kind must be holiday or workday"):
        holiday_tables.install(b"date,kind,name\n2093-01-01,party,x\n", "notice.csv")
    assert path.read_text(encoding="utf-8") == TABLE_2093  # a refused table changes nothing


def test_the_page_shows_an_uploaded_table_and_saves_it(
    warehouse_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.ENV_DB, str(warehouse_copy))
    monkeypatch.setattr(config, "HOLIDAYS_DIR", tmp_path / "holidays")
    at = open_page("data_import")
    at.file_uploader(key="hol_file").upload("2093.csv", TABLE_2093.encode(), "text/csv")
    at.run()
    assert errors(at) == []
    shown = [m.value for m in at.markdown]
    weekdays = sum(1 for i in range(365) if date.fromordinal(FIRST + i).weekday() < 5)
    summary = LABELS["data_import.holidays.summary"][0].format(
        year=2093, workdays=weekdays - 2 + 1, off=2, makeup=1
    )
    assert summary in shown
    assert LABELS["data_import.holidays.breaks"][0].format(breaks="01-01–01-03（3）") in shown
    save = LABELS["data_import.holidays.save"][0].format(year=2093)
    next(b for b in at.button if b.label == save).click()
    at.run()
    assert errors(at) == []
    assert (tmp_path / "holidays" / "2093.csv").read_text(encoding="utf-8") == TABLE_2093
    saved = LABELS["data_import.holidays.saved"][0].format(path="2093.csv", year=2093)
    assert saved in [s.value for s in at.success]

    at.run()
    assert [w.value for w in at.warning] == [
        LABELS["data_import.holidays.replaces"][0].format(year=2093)  # now that it exists
    ]
    at.file_uploader(key="hol_file").upload(
        "2026.csv", b"date,kind,name\n2026-01-01,holiday,x\n", "text/csv"
    )
    at.run()
    assert [w.value for w in at.warning] == [  # the package's year: the table would replace it
        LABELS["data_import.holidays.overrides"][0].format(year=2026)
    ]

    at.file_uploader(key="hol_file").upload("bad.csv", b"date,kind\n2093-01-05,workday\n")
    at.run()
    assert errors(at) == []
    assert any("bad.csv, line 2: 2093-01-05 is a Monday" in e.value for e in at.error)


def test_a_folder_that_cannot_be_written_says_so(
    warehouse_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.ENV_DB, str(warehouse_copy))
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(config, "HOLIDAYS_DIR", blocked / "holidays")
    at = open_page("data_import")
    at.file_uploader(key="hol_file").upload("2093.csv", TABLE_2093.encode(), "text/csv")
    at.run()
    save = LABELS["data_import.holidays.save"][0].format(year=2093)
    next(b for b in at.button if b.label == save).click()
    at.run()
    assert errors(at) == []
    assert [e.value.split("（")[0] for e in at.error] == ["无法保存"]
