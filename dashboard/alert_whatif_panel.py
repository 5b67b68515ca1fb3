"""规则试算 Rule what-if on the Alerts page: each alert rule's change, level and floor as inputs
(a form: nothing moves until 试算 / Try), the window's merchant-months evaluated under them and
under the rules in force (``analytics.alert_whatif``), what is added or dropped, and the
changed rules as a file for the operator. No alert is written."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from analytics import alert_whatif, metrics
from analytics.alert_rules import AlertRule, AlertRuleError, AlertRules, parse_rules
from analytics.alert_whatif import RuleChange
from analytics.views import Filters
from dashboard import cached, components, urlstate
from dashboard.components import Col
from dashboard.i18n import label_refs, lang, metric_label, pick, t

_KEY = "al_wi"
SHOWN = 500  # differing merchant-months listed (all are counted)
_WIDTHS = [3, 1, 2, 2, 2, 3]


def _stem(name: str) -> str:
    """A download's file stem, saying in the UI language that it is a rule what-if."""
    return f"{name}_{'规则试算' if lang() == 'zh' else 'rule_what_if'}"


def _is_pct(name: str | None) -> bool:
    return name is not None and name in metrics.names() and metrics.metric(name).format == "pct"


def _rule_row(rule: AlertRule) -> RuleChange:
    name, on, rel, unit, level, floor = st.columns(_WIDTHS, vertical_alignment="center")
    key = f"{_KEY}_{rule.id}"
    name.markdown(pick(rule.name_zh, rule.name_en), help=pick(rule.message_zh, rule.message_en))
    enabled = on.checkbox(
        t("alerts.whatif.enabled"), True, key=f"{key}_on", label_visibility="collapsed"
    )
    relative = rule.relative
    if rule.compare == "flag":
        unit.markdown(t("alerts.whatif.unit.flag"))
    else:
        points = rule.compare == "difference" and _is_pct(rule.metric)
        label = t("alerts.whatif.relative")
        relative = components.rule_number(
            rel, label, rule.relative, percent=points, key=f"{key}_rel"
        )
        unit.markdown(t(f"alerts.whatif.unit.{'points' if points else 'ratio'}"))
    new_level = rule.level
    if rule.level is None:
        level.markdown("—")
    else:
        label = t("alerts.whatif.level")
        new_level = components.rule_number(
            level, label, rule.level, percent=_is_pct(rule.metric), key=f"{key}_level"
        )
    new_floor = rule.floor
    if rule.floor_metric is None:
        floor.markdown("—")
    else:
        inner = floor.columns([3, 2], vertical_alignment="center")
        inner[0].markdown(t("alerts.whatif.floor_of", metric=metric_label(rule.floor_metric)))
        label = t("alerts.whatif.floor")
        new_floor = components.rule_number(inner[1], label, rule.floor, key=f"{key}_floor")
    return RuleChange(rule.id, relative, new_level, new_floor, bool(enabled))


def _form(rules: AlertRules) -> list[RuleChange]:
    heads = ("rule", "enabled", "relative", None, "level", "floor")
    for column, head in zip(st.columns(_WIDTHS), heads, strict=True):
        if head is not None:
            column.markdown(f"**{t(f'alerts.whatif.{head}')}**")
    return [_rule_row(rule) for rule in rules.rules]


def _text(metric: str | None, value: float | None) -> str:
    if metric is None or metric not in metrics.names():
        return "—" if value is None else f"{value:g}"
    return metrics.format_value(metric, value)


def _differences(diff: pl.DataFrame, names: dict[str, str], floors: dict[str, str | None]) -> None:
    st.markdown(f"**{t('alerts.whatif.differences')}**")
    if diff.is_empty():
        st.caption(t("alerts.whatif.no_differences"))
        return
    shown = diff.head(SHOWN)
    st.caption(t("alerts.whatif.shown", shown=f"{shown.height:,}", total=f"{diff.height:,}"))
    words = [
        {
            "value_text": _text(r["metric"], r["value"]),
            "previous_text": _text(r["metric"], r["previous_value"]),
            "floor_text": _text(floors.get(r["rule"]), r["floor_value"]),
        }
        for r in shown.select("rule", "metric", "value", "previous_value", "floor_value").iter_rows(
            named=True
        )
    ]
    rows = label_refs(
        shown.with_columns(
            pl.DataFrame(words, schema=dict.fromkeys(words[0], pl.String)),
            change_label=pl.col("change").replace_strict(
                {c: t(f"alerts.whatif.change.{c}") for c in ("added", "dropped")}
            ),
            rule_label=pl.col("rule").replace_strict(names, default=pl.col("rule")),
        ),
        district="districts",
        industry="industries",
    )
    cols = [
        Col("change_label", t("alerts.whatif.change")),
        Col("rule_label", t("alerts.whatif.rule")),
        Col("period", t("alerts.whatif.month")),
        Col("merchant_name", t("common.merchant")),
        Col("merchant_id", t("common.merchant_id")),
        Col("district", t("common.district")),
        Col("value_text", t("alerts.whatif.value")),
        Col("previous_text", t("alerts.whatif.previous")),
        Col("floor_text", t("alerts.whatif.floor_value")),
    ]
    stem = _stem("alert_whatif")
    components.merchant_table(rows, cols, key=f"{_KEY}_table", stem=stem, height=360)


def _download(rules: AlertRules) -> None:
    header = (
        "Alert rules changed in Fapiao Watch's rule what-if (Alerts page), "
        f"{date.today().isoformat()}.\n"
        "See the shipped data/reference/alert_rules.toml's header for what each key means."
    )
    components.rules_file_download(
        t("alerts.whatif.download"),
        alert_whatif.rules_toml(rules, header),
        "alert_rules.toml",
        t("alerts.whatif.download.help"),
        f"{_KEY}_download",
    )


def render(f: Filters) -> None:
    """The rule what-if, behind a toggle kept in the URL (closed: nothing is read)."""
    st.subheader(t("alerts.whatif"))
    on = urlstate.widget(
        "al_whatif",
        False,
        lambda start: st.toggle(t("alerts.whatif.toggle"), value=start, key="al_whatif"),
    )
    if not on:
        st.caption(t("alerts.whatif.closed"))
        return
    try:
        base = parse_rules(cached.alert_rules_text())
    except AlertRuleError as exc:
        st.error(str(exc))
        return
    months = cached.alert_window(base.max_age_months)
    if not months:
        st.info(t("common.no_match"))
        return
    st.caption(t("alerts.whatif.hint", first=months[0], last=months[-1]))
    with st.form(f"{_KEY}_form", border=True):
        changes = _form(base)
        st.form_submit_button(t("alerts.whatif.apply"), type="primary")
    if not any(c.enabled for c in changes):
        st.error(t("alerts.whatif.none_left"))
        return
    try:
        whatif = alert_whatif.edited(base, changes)
    except AlertRuleError as exc:
        st.error(t("alerts.whatif.invalid", reason=str(exc)))
        return
    with st.spinner(t("alerts.whatif.computing")):  # ~1.3 s at 10M when first opened
        now = cached.alert_whatif_hits(f, alert_whatif.rules_toml(base))
        tried = cached.alert_whatif_hits(f, alert_whatif.rules_toml(whatif))
    names = {r.id: pick(r.name_zh, r.name_en) for r in base.rules}
    counts = alert_whatif.compare(now, tried, list(names)).with_columns(
        rule_label=pl.col("rule").replace_strict(names, default=pl.col("rule"))
    )
    components.table(
        counts,
        [
            Col("rule_label", t("alerts.whatif.rule")),
            Col("now", t("alerts.whatif.now"), "count"),
            Col("whatif", t("alerts.whatif.new"), "count"),
            Col("added", t("alerts.whatif.added"), "count"),
            Col("dropped", t("alerts.whatif.dropped"), "count"),
        ],
        key=f"{_KEY}_counts",
        stem=_stem("alert_whatif_counts"),
    )
    if whatif.rules == base.rules:
        st.caption(t("alerts.whatif.same"))
        return
    floors = {r.id: r.floor_metric for r in base.rules}
    _differences(alert_whatif.differences(now, tried), names, floors)
    _download(whatif)
