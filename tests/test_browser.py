"""The dashboard in a real browser: Playwright for Python driving Debian's Chromium.

The module starts ``streamlit run dashboard/streamlit_app.py`` on a free port against the test
warehouse (the ``small_warehouse`` fixture), then, each test in a fresh browser session:

* opens every page of the sidebar navigation in Chinese (the pages are read from the browser's
  navigation and checked against the router's page list, ``dashboard/navigation.py``, so a
  page added later is covered without editing this file): no Streamlit exception box, a
  title, a full-page screenshot;
* switches one page to English (the language stays in the URL across a page change);
* picks a district in the sidebar: the URL carries it, the KPI numbers change, the district
  table's CSV download holds that district only with the number analytics computes, and the
  URL opened in a new session reproduces the view;
* selects the first row of a merchant table: the profile opens with ``?merchant=<USCC>`` of
  that row (taken from the table's own CSV download).

Chromium must be at ``/usr/bin/chromium`` (``.ci/run`` installs it with apt-get); without it
the tests fail with a message saying so; they are never skipped. Screenshots go to
``tests/artifacts/screenshots/`` (git-ignored). To refresh the README's screenshots of the
demo warehouse (Overview, Entry monitoring, Merchant profile -> ``docs/screenshots/``)::

    make screenshots
    # which runs, on the demo warehouse ($FAPIAO_WATCH_DB or data/warehouse.duckdb):
    FAPIAO_WATCH_UPDATE_SCREENSHOTS=1 .venv/bin/pytest tests/test_browser.py
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    StreamlitServer,
    exceptions,
    full_page_screenshot,
    nav_links,
    page_entries,
    read_csv,
    settle,
)
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from analytics import config, credit_views, credit_whatif, metrics, views
from analytics.credit_scheme import load_scheme, parse_scheme
from analytics.validation import is_valid_uscc
from dashboard.i18n import LABELS

pytestmark = pytest.mark.browser

UPDATE_ENV = "FAPIAO_WATCH_UPDATE_SCREENSHOTS"
UPDATE = os.environ.get(UPDATE_ENV) == "1"
# Read at import, before the session fixture points FAPIAO_WATCH_DB at the small warehouse.
DEMO_DB = config.db_path()
ARTIFACTS = ROOT / "tests" / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}
TIMEOUT_MS = 90_000
ZH, EN = 0, 1
MISSING_BROWSER = (
    f"Chromium not found at {CHROMIUM}: the browser test needs Debian's chromium package "
    "(`apt-get install chromium fonts-noto-cjk`, as .ci/run does)"
)


def label(key: str, lang: int = ZH) -> str:
    return LABELS[key][lang]


def nav_labels(lang: int) -> set[str]:
    return {v[lang] for k, v in LABELS.items() if k.startswith("nav.") and ".section." not in k}


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def to_docs(shot: Path, name: str) -> None:
    """With FAPIAO_WATCH_UPDATE_SCREENSHOTS=1, the README's copy of a screenshot."""
    if UPDATE:
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_SHOTS / name)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_db(request: pytest.FixtureRequest) -> Path:
    """The small test warehouse, or the demo warehouse when refreshing the README's shots."""
    if not UPDATE:
        db: Path = request.getfixturevalue("small_warehouse")
        return db
    if not config.settings(DEMO_DB).serving_path.exists():
        pytest.fail(f"{UPDATE_ENV}=1 needs the demo warehouse {DEMO_DB}: run `make demo` first")
    return DEMO_DB


@pytest.fixture(scope="module")
def server(served_db: Path) -> Iterator[StreamlitServer]:
    srv = StreamlitServer(served_db, ARTIFACTS / "streamlit.log")
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(MISSING_BROWSER)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(
    browser: Browser, server: StreamlitServer, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser session; on a failure its last state is saved as a screenshot."""
    context = browser.new_context(
        viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    failed = request.session.testsfailed
    tab = context.new_page()
    try:
        yield tab
    finally:
        if request.session.testsfailed > failed:
            SHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SHOTS / f"FAILED-{request.node.name}.png"))
        context.close()


@pytest.fixture(scope="module")
def snapshot_of(served_db: Path) -> Callable[[], duckdb.DuckDBPyConnection]:
    """Short-lived read-only connections to the served snapshot, for expected values."""
    return lambda: duckdb.connect(str(config.settings(served_db).serving_path), read_only=True)


def open_page(page: Page, server: StreamlitServer, path: str = "") -> None:
    page.goto(f"{server.url}/{path}")
    settle(page, TIMEOUT_MS)


def kpis(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid='stMetric']").all_inner_texts()]


def download_csv(page: Page, key: str) -> tuple[str, tuple[list[str], list[list[str]]]]:
    """Click table ``key``'s CSV button (by its label: the button's help icon is a button
    too); the suggested file name, and the header and rows of the file."""
    button = page.locator(f".st-key-{key}_csv").get_by_role(
        "button", name=label("table.download_csv")
    )
    with page.expect_download() as info:
        button.click()
    return info.value.suggested_filename, read_csv(Path(info.value.path()).read_bytes())


def key_of(container: object) -> str:
    """The widget key Streamlit puts on an element's container as ``st-key-<key>``."""
    classes = str(container.get_attribute("class")).split()  # type: ignore[attr-defined]
    return next(c.removeprefix("st-key-") for c in classes if c.startswith("st-key-"))


# --- tests --------------------------------------------------------------------------------


def test_chromium_is_installed() -> None:
    assert CHROMIUM.exists(), MISSING_BROWSER


def test_every_page_of_the_navigation_renders_in_chinese(
    page: Page, server: StreamlitServer
) -> None:
    open_page(page, server)
    assert exceptions(page) == [], "the router fails before drawing the navigation"
    links = nav_links(page)
    paths = [urlsplit(href).path.strip("/") for href, _ in links]
    assert sorted(paths) == sorted(e.url_path for e in page_entries()), (
        "the sidebar should list exactly the router's pages"
    )
    assert {text for _, text in links} <= nav_labels(ZH)
    names = {e.url_path: e.name for e in page_entries()}
    for path in paths:
        open_page(page, server, path)
        assert exceptions(page) == [], f"page /{path} shows an exception"
        expect(page.locator("h1").first).not_to_be_empty()
        shot = SHOTS / f"zh_{names[path]}.png"
        full_page_screenshot(page, shot)
        if names[path] in ("overview", "entry_monitoring"):
            to_docs(shot, f"{names[path]}.png")


def test_english_switch_is_kept_across_pages(page: Page, server: StreamlitServer) -> None:
    open_page(page, server)
    switch = page.get_by_role("radiogroup", name=label("lang.label"))
    switch.get_by_role("radio", name="English", exact=True).click()
    page.wait_for_url(lambda url: query(url).get("lang") == ["en"])
    expect(page.locator("h1").first).to_have_text(label("overview.title", EN))
    settle(page, TIMEOUT_MS)
    assert exceptions(page) == []
    assert {text for _, text in nav_links(page)} <= nav_labels(EN)
    full_page_screenshot(page, SHOTS / "en_overview.png")

    entry = next(e for e in page_entries() if e.name == "entry_monitoring")
    page.locator(f"[data-testid='stSidebarNavLink'][href$='/{entry.url_path}']").click()
    page.wait_for_url(
        lambda url: urlsplit(url).path == f"/{entry.url_path}" and query(url).get("lang") == ["en"]
    )
    expect(page.locator("h1").first).to_have_text(label("entry_monitoring.title", EN))
    settle(page, TIMEOUT_MS)
    assert exceptions(page) == []


def test_a_district_filter_changes_the_url_the_numbers_and_the_csv(
    page: Page,
    server: StreamlitServer,
    browser: Browser,
    snapshot_of: Callable[[], duckdb.DuckDBPyConnection],
) -> None:
    con = snapshot_of()
    try:
        months = views.available_months(con)
        everything = views.Filters(months[0], months[-1])
        by_district = views.group_metrics(con, everything, ("district",))
        district = by_district.sort("invoices_issued", descending=True)["district"][0]
        scoped = views.Filters(months[0], months[-1], districts=(district,))
        expected = views.group_metrics(con, scoped, ("district",)).row(0, named=True)
    finally:
        con.close()
    assert by_district.height > 1, "the test data should span several districts"

    open_page(page, server)
    before = kpis(page)
    box = page.get_by_role("combobox", name=label("filters.district"))
    # as a user would: scroll the sidebar until the box is mid-screen, so its options list has
    # room to open below it (at the bottom edge of a 900-pixel window it opens out of sight)
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    option = page.get_by_role("option", name=district, exact=True)
    for attempt in range(3):  # typed while the page was still rerunning, the list can stay shut
        box.click()
        box.fill(district)
        try:
            option.click(timeout=20_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            settle(page, TIMEOUT_MS)
    page.keyboard.press("Escape")
    page.wait_for_url(lambda url: query(url).get("district") == [district])
    expect(page.locator("[data-testid='stCaptionContainer']").first).to_contain_text(district)
    settle(page, TIMEOUT_MS)
    after = kpis(page)
    assert exceptions(page) == []
    assert len(after) == len(before) > 0
    assert after != before, "one district's KPIs should differ from all merchants' KPIs"
    full_page_screenshot(page, SHOTS / "zh_overview_one_district.png")

    # the district table's CSV: that district only, with the number analytics computes
    name, (header, rows) = download_csv(page, "ov_districts")
    assert name.endswith(".csv")
    issued = metrics.metric("invoices_issued").label_zh
    assert header[0] == label("overview.district")
    assert issued in header
    assert len(rows) == 1
    assert rows[0][0] == district
    assert int(float(rows[0][header.index(issued)])) == expected["invoices_issued"]

    # the URL alone reproduces the view in a new session
    other = browser.new_context(viewport=VIEWPORT)
    try:
        again = other.new_page()
        again.set_default_timeout(TIMEOUT_MS)
        again.goto(page.url)
        settle(again, TIMEOUT_MS)
        assert kpis(again) == after
    finally:
        other.close()


def test_selecting_a_merchant_row_opens_its_profile(page: Page, server: StreamlitServer) -> None:
    hint = label("common.open_profile")
    for entry in page_entries():  # the first page with a merchant table
        open_page(page, server, entry.url_path)
        if page.get_by_text(hint, exact=True).count():
            break
    else:
        pytest.fail("no page shows a merchant table (common.open_profile caption)")
    table = (
        page.get_by_text(hint, exact=True)
        .first.locator("xpath=ancestor::div[@data-testid='stElementContainer'][1]")
        .locator("xpath=following-sibling::div[@data-testid='stElementContainer'][1]")
    )
    key = key_of(table)
    _, (header, rows) = download_csv(page, key)
    id_col = header.index(label("common.merchant_id"))
    assert rows, f"the merchant table {key} should have rows"
    assert all(is_valid_uscc(row[id_col]) for row in rows)
    first = rows[0][id_col]

    grid = table.locator("[data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    grid.click(position={"x": 18, "y": 35 + 17})  # the first row's selection box, under the header
    profile = next(e for e in page_entries() if e.name == "merchant_profile")
    page.wait_for_url(
        lambda url: (
            urlsplit(url).path == f"/{profile.url_path}" and query(url).get("merchant") == [first]
        )
    )
    settle(page, TIMEOUT_MS)
    expect(page.get_by_text(first).first).to_be_visible()  # the header caption names the USCC
    if label("common.merchant") in header:
        name = rows[0][header.index(label("common.merchant"))]
        expect(page.locator("h2").first).to_have_text(name)
    assert exceptions(page) == []
    shot = SHOTS / "zh_merchant_profile_selected.png"
    full_page_screenshot(page, shot)
    to_docs(shot, "merchant_profile.png")


def test_the_credit_what_if_applies_in_the_browser_and_downloads_its_file(
    page: Page, server: StreamlitServer, snapshot_of: Callable[[], duckdb.DuckDBPyConnection]
) -> None:
    ranking = next(e for e in page_entries() if e.name == "ranking")
    open_page(page, server, f"{ranking.url_path}?rk_whatif=true")
    expect(page.get_by_text(label("ranking.whatif.same"))).to_be_visible()
    band = page.get_by_label(label("ranking.whatif.a_min"))
    band.fill("80")
    band.press("Enter")
    page.get_by_role("button", name=label("ranking.whatif.apply")).click()
    settle(page, TIMEOUT_MS)
    assert exceptions(page) == []
    con = snapshot_of()
    try:
        period = credit_views.default_credit_period(
            credit_views.credit_periods(con), views.available_months(con)[-1]
        )
        assert period is not None
        rows = credit_views.whatif_rows(con, views.Filters("", ""), period)
    finally:
        con.close()
    scheme = load_scheme()
    whatif = credit_whatif.edited(scheme, [], (80.0, scheme.b_min, scheme.c_min))
    ups = int((credit_whatif.rescore(rows, whatif)["grade_change"] == "up").sum())
    assert ups > 0
    card = page.locator("[data-testid='stMetric']").filter(has_text=label("ranking.whatif.up"))
    expect(card).to_contain_text(f"{ups:,}")
    with page.expect_download() as info:
        page.get_by_role("button", name=label("ranking.whatif.download")).click()
    assert info.value.suggested_filename == "credit_scheme.toml"
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert parse_scheme(text).a_min == 80.0


def test_an_invoice_number_typed_into_the_lookup_gets_its_answer_and_opens_its_merchant(
    page: Page, server: StreamlitServer, served_db: Path
) -> None:
    con = duckdb.connect(str(served_db), read_only=True)  # the warehouse, as the page reads it
    try:
        number, merchant, reason = con.execute(
            "select subject_id, merchant_id, reason_zh from reconciliation "
            "where subject = 'issued' and status = 'entered_on_time' order by 1 limit 1"
        ).fetchall()[0]
    finally:
        con.close()
    lookup = next(e for e in page_entries() if e.name == "invoice_lookup")
    open_page(page, server, lookup.url_path)
    box = page.get_by_role("textbox", name=label("invoice_lookup.numbers").format(n=200))
    box.fill(number)
    box.press("Control+Enter")
    page.wait_for_url(lambda url: query(url).get("inv") == [number])
    settle(page, TIMEOUT_MS)
    answer = f"{label('status.entered_on_time')}：{reason}"
    expect(page.locator("[data-testid='stAlert']").get_by_text(answer, exact=True)).to_be_visible()
    assert exceptions(page) == []
    full_page_screenshot(page, SHOTS / "zh_invoice_lookup_answer.png")

    grid = page.locator(".st-key-il_found [data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    grid.click(position={"x": 18, "y": 35 + 17})  # the row's selection box, under the header
    profile = next(e for e in page_entries() if e.name == "merchant_profile")
    page.wait_for_url(
        lambda url: (
            urlsplit(url).path == f"/{profile.url_path}"
            and query(url).get("merchant") == [merchant]
        )
    )
    settle(page, TIMEOUT_MS)
    assert exceptions(page) == []


def test_a_complaint_that_names_an_invoice_opens_it_in_the_lookup(
    page: Page, server: StreamlitServer, snapshot_of: Callable[[], duckdb.DuckDBPyConnection]
) -> None:
    con = snapshot_of()
    try:
        months = views.available_months(con)  # the profile's default range
        merchant, number = con.execute(
            "select merchant_id, invoice_no from complaint_links where invoice_status is not "
            "null and period between $first and $last order by received_at desc, complaint_id "
            "limit 1",
            {"first": months[0], "last": months[-1]},
        ).fetchall()[0]
    finally:
        con.close()
    profile = next(e for e in page_entries() if e.name == "merchant_profile")
    open_page(page, server, f"{profile.url_path}?merchant={merchant}")
    _, (header, rows) = download_csv(page, "mp_complaints")
    invoices = [row[header.index(label("merchant_profile.invoice_no"))] for row in rows]
    i = invoices.index(number)
    grid = page.locator(".st-key-mp_complaints [data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    grid.click(position={"x": 18, "y": 35 * (i + 1) + 17})  # row i's selection box
    lookup = next(e for e in page_entries() if e.name == "invoice_lookup")
    page.wait_for_url(
        lambda url: (
            urlsplit(url).path == f"/{lookup.url_path}" and query(url).get("inv") == [number]
        )
    )
    settle(page, TIMEOUT_MS)
    expect(page.locator(".st-key-il_found [data-testid='stDataFrame']")).to_be_visible()
    assert exceptions(page) == []
