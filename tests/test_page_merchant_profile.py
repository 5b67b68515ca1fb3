"""Merchant profile page (商户画像) under AppTest on the small generated warehouse."""

from __future__ import annotations

import duckdb
from apptest import errors, metrics, open_page

from analytics import formatting, profile, self_check_views, views
from analytics.metrics import metric
from analytics.views import Filters
from dashboard import profile_sections
from dashboard.i18n import LABELS


def _busiest(con: duckdb.DuckDBPyConnection) -> tuple[str, str, Filters]:
    months = views.available_months(con)
    f = Filters(months[0], months[-1])
    top = views.group_metrics(con, f, ["merchant_id", "merchant_name"]).sort(
        ["invoices_issued", "merchant_id"], descending=[True, False]
    )
    return top["merchant_id"][0], top["merchant_name"][0], f


def test_the_merchant_in_the_url_is_shown(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    merchant_id, name, f = _busiest(con)
    at = open_page("merchant_profile", merchant=merchant_id)
    assert errors(at) == []
    assert at.header[0].value == name
    totals = views.group_metrics(con, f.merchant(merchant_id), [])
    shown = metrics(at)
    assert shown["开票数"] == formatting.count(totals["invoices_issued"][0])
    assert shown["按时入库率"] == formatting.pct(totals["on_time_rate"][0])
    titles = [s.value for s in at.main.get("subheader")]
    assert titles == [LABELS[s.title_key][0] for s in profile_sections.sections()]


def test_without_a_merchant_the_page_asks_for_one(small_warehouse: object) -> None:
    at = open_page("merchant_profile")
    assert errors(at) == []
    assert [i.value for i in at.info] == [LABELS["merchant_profile.choose"][0]]


def test_an_unknown_merchant_in_the_url_is_ignored(small_warehouse: object) -> None:
    at = open_page("merchant_profile", merchant="not-a-uscc", lang="en")
    assert errors(at) == []
    assert [i.value for i in at.info] == [LABELS["merchant_profile.choose"][1]]


def test_the_self_check_button_opens_the_merchants_report_for_the_last_month(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    merchant_id, _, f = _busiest(con)
    at = open_page("merchant_profile", merchant=merchant_id, lang="en")
    at.button(key="mp_self_check").click()
    at.run()
    assert errors(at) == []
    assert at.title[0].value == LABELS["self_check.title"][1]
    assert at.selectbox(key="sc_period").value == f.period_to
    assert at.selectbox(key="sc_merchant").value == merchant_id
    assert at.query_params["lang"] == "en"  # the language goes along
    summary = self_check_views.summary(con, f.period_to, merchant_id=merchant_id)
    invoices = formatting.count(summary["invoices_issued"][0])
    assert metrics(at)[metric("invoices_issued").label_en] == invoices


def test_complaints_received_after_the_last_invoice_month_are_listed(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    months = views.available_months(con)
    later = [m for m in views.complaint_months(con) if m > months[-1]]
    assert later  # the generator's complaint feed runs past its invoices
    links = views.complaint_links(con, Filters(later[0], later[-1]))
    merchant_id = links.filter(links["merchant_id"].is_not_null())["merchant_id"].sort()[0]
    listed = profile.merchant_complaints(con, merchant_id, months[0], later[-1])
    at = open_page("merchant_profile", merchant=merchant_id)
    assert errors(at) == []
    table = next(d.value for d in at.dataframe if d.key == "mp_complaints")
    assert table.shape[0] == listed.height
    said = LABELS["complaints.later_months"][0].format(months="、".join(later))
    assert said in [c.value for c in at.caption]
