-- Inputs of the anomaly features per merchant and month: the counts of merchant_period_metrics
-- for $history_months (the months in scope and those their volume baseline reads back), with
-- the work tables of features_timing.sql and features_invoice_extras.sql for the months in
-- scope. Rates are formed and compared in analytics.features.
with monthly as (
    select
        merchant_id, period, district, industry, size_band, software_vendor, is_individual,
        invoices_issued, invoices_due, invoices_recorded, on_time_count, late_count,
        mismatch_count, duplicate_count, red_count, merchant_log_missing_count,
        invoice_requests, not_invoiced_count, under_invoiced_count, complaints, delay_p95
    from merchant_period_metrics
    where period_type = 'month' and list_contains($history_months, period)
),

final as (
    select
        m.*,
        -- entry timing outside the vendor's outage days
        m.invoices_due - coalesce(t.outage_due, 0) as clean_due,
        m.invoices_recorded - coalesce(t.outage_on_time + t.outage_late, 0) as clean_recorded,
        m.on_time_count - coalesce(t.outage_on_time, 0) as clean_on_time,
        m.late_count - coalesce(t.outage_late, 0) as clean_late,
        coalesce(t.outage_days, 0) as outage_days,
        coalesce(x.off_hours_count, 0) as off_hours_count,
        coalesce(x.seq_range, 0) as seq_range,
        coalesce(x.seq_gaps, 0) as seq_gaps
    from monthly m
    left join work_feature_timing t on t.merchant_id = m.merchant_id and t.period = m.period
    left join work_feature_extras x on x.merchant_id = m.merchant_id and x.period = m.period
)

select * from final
