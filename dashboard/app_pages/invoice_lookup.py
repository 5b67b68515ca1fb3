"""发票查询 Invoice lookup: where invoice numbers, or the order numbers of payments, stand (status
and reason, merchant, or the import that rejected them), for the officials who take 查不到发票
complaints. The numbers are
kept in the URL (``?inv=...``), so another page or a ticket can link to the answer; the lookup
is ``analytics.invoice_lookup``, the panels ``dashboard/lookup_panels.py``."""

import streamlit as st

from analytics import invoice_lookup
from dashboard import cached, components, lookup_panels, notices, urlstate
from dashboard.i18n import t

st.title(t("invoice_lookup.title"))
st.caption(t("invoice_lookup.intro"))
notices.freshness_notice()
text = urlstate.widget(
    components.LOOKUP_PARAM,
    "",
    lambda start: st.text_area(
        t("invoice_lookup.numbers", n=invoice_lookup.MAX_NUMBERS),
        value=start,
        key=components.LOOKUP_PARAM,
        placeholder=t("invoice_lookup.placeholder"),
        help=t("invoice_lookup.numbers.help"),
        height=110,
    ),
)
try:
    numbers = invoice_lookup.parse_numbers(text or "")
except invoice_lookup.InvoiceLookupError as exc:
    st.error(t("invoice_lookup.too_many", max=invoice_lookup.MAX_NUMBERS, n=exc.count))
    st.stop()
lookup_panels.invalid(numbers.invalid)
if not numbers.all:
    st.stop()
with st.spinner(t("invoice_lookup.looking")):
    result = cached.invoice_lookup_result(numbers)
lookup_panels.summary(result)
lookup_panels.found(result)
lookup_panels.rejected(result)
lookup_panels.missing(result)
