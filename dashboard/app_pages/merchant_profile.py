"""商户画像 Merchant profile: one merchant, chosen by ``?merchant=<USCC>`` or the search box.

The sections below the header come from ``dashboard/profile_sections/`` (see its docstring):
add a section there, not here.
"""

import streamlit as st

from analytics import formatting, periods
from dashboard import cached, components, filters, notices, profile_sections
from dashboard.components import MERCHANT_PARAM
from dashboard.i18n import lang, metric_label, ref_labels, t

MAX_OPTIONS = 300

st.title(t("merchant_profile.title"))
f = filters.current()
merchant_id = components.merchant_picker(
    MERCHANT_PARAM, search_key="mp_query", prefix="merchant_profile", max_options=MAX_OPTIONS
)
if merchant_id is None:
    st.info(t("merchant_profile.choose"))
    st.stop()

facts = cached.merchant_facts(merchant_id)
if facts.is_empty():
    st.warning(t("merchant_profile.unknown", merchant_id=merchant_id))
    st.stop()
m = facts.row(0, named=True)
entity = t("entity.individual" if m["is_individual"] else "entity.enterprise")
st.header(m["name"])
st.caption(
    " · ".join(
        [
            m["merchant_id"],
            ref_labels("districts").get(m["district"], m["district"]),
            ref_labels("industries").get(m["industry"], m["industry"]),
            ref_labels("size_bands").get(m["size_band"], m["size_band"]),
            ref_labels("vendors").get(m["software_vendor"], m["software_vendor"]),
            entity,
            t("merchant_profile.registered", day=m["registered_on"]),
        ]
    )
)
st.caption(t("merchant_profile.scope", period=f"{f.period_from} – {f.period_to}"))
notices.feed_gaps_notice(periods.month_range(f.period_from, f.period_to), m["software_vendor"])
report = t("merchant_profile.self_check", period=f.period_to)
if st.button(report, icon=":material/fact_check:", key="mp_self_check"):
    components.open_self_check(merchant_id, f.period_to)

totals = cached.group_metrics(f.merchant(merchant_id))
p95 = cached.delay_quantile(f.merchant(merchant_id))
if totals.is_empty():
    st.info(t("merchant_profile.no_invoices"))
else:
    row = totals.row(0, named=True)
    names = ("invoices_issued", "entry_rate", "on_time_rate", "late_count", "missing_count")
    cards = [(metric_label(n), formatting.kpi(n, row[n], None, lang())) for n in names]
    delay = p95["delay_quantile"][0] if p95.height else None
    exact = bool(p95["exact"][0]) if p95.height else True
    text = f"{delay:.1f}" if exact and delay is not None else f"≤{cached.deadline()}"
    unit = t("merchant_profile.p95_unit")
    cards.append((metric_label("delay_p95") + unit, formatting.Kpi("delay_p95", text, None, "off")))
    # two rows of three: six cards in one row cut the English titles ("Missing in tax …")
    components.kpi_row(cards[:3], help_text=components.metric_help)
    components.kpi_row(cards[3:], help_text=components.metric_help)

for section in profile_sections.sections():
    st.subheader(t(section.title_key))
    section.render(merchant_id, f)
