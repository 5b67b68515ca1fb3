-- Base counts and sums per merchant and period ($period_type = month | quarter; $periods lists
-- the periods, $months the months they cover). Rates are derived from these columns by the
-- metric registry (analytics/metrics.py), which also documents every column.
with period_keys as (
    select * from fw_period_keys($months, $period_type)
),

facts as not materialized (
    select f.*, k.p
    from recon_facts f join period_keys k on k.period = f.period
    where list_contains($months, f.period)
),

inv as (
    select merchant_id, p,
        count(*) filter (where not is_void) as invoices_issued,
        count(*) filter (where is_void) as invoices_voided,
        count(*) filter (where not is_void and is_pending) as invoices_pending,
        count(*) filter (where not is_void and not is_pending) as invoices_due,
        count(*) filter (where not is_void and is_recorded) as invoices_recorded,
        count(*) filter (where not is_void and is_on_time) as on_time_count,
        count(*) filter (where not is_void and is_late) as late_count,
        count(*) filter (where not is_void and is_missing) as missing_count,
        count(*) filter (where not is_void and is_mismatch) as mismatch_count,
        count(*) filter (where not is_void and is_duplicate) as duplicate_count,
        count(*) filter (where not is_void and is_red) as red_count,
        sum(total_issued) filter (where not is_void) as amount_issued,
        sum(total_recorded) filter (where not is_void and is_recorded) as amount_recorded,
        quantile_cont(delay_workdays, [0.5, 0.95]) filter (where not is_void and is_recorded)
            as delay_q
    from facts where subject = 'issued' group by all
),

unmatched as (
    select merchant_id, p, count(*) as merchant_log_missing_count
    from facts where subject = 'tax_record' group by all
),

requests as (
    select merchant_id, p,
        count(*) as invoice_requests,
        count(*) filter (where status = 'not_invoiced') as not_invoiced_count,
        count(*) filter (where status = 'under_invoiced') as under_invoiced_count,
        sum(amount_paid) filter (where status = 'not_invoiced') as not_invoiced_amount,
        sum(amount_paid - total_issued) filter (where status = 'under_invoiced')
            as under_invoiced_amount
    from facts where subject = 'payment' group by all
),

-- payments are summed per month first: labels are formatted per group, not per payment
paid_months as (
    select merchant_id, strftime(m, '%Y-%m') as period, n, amount
    from (
        select merchant_id, date_trunc('month', paid_at) as m, count(*) as n,
            sum(amount_paid) as amount
        from stg_paid where paid_at >= $lo and paid_at < $hi group by all
    )
),

paid as (
    select m.merchant_id, k.p, sum(m.n)::bigint as payments_count, sum(m.amount) as amount_paid
    from paid_months m join period_keys k on k.period = m.period group by all
),

keys as (
    select merchant_id, p from inv union select merchant_id, p from unmatched
    union select merchant_id, p from requests union select merchant_id, p from paid
),

final as (
    select k.merchant_id, k.p as period,
        coalesce(columns(inv.* exclude (merchant_id, p, amount_issued, amount_recorded,
            delay_q)), 0),
        coalesce(inv.amount_issued, 0)::decimal(18, 2) as amount_issued,
        coalesce(inv.amount_recorded, 0)::decimal(18, 2) as amount_recorded,
        inv.delay_q[1]::double as delay_p50, inv.delay_q[2]::double as delay_p95,
        coalesce(u.merchant_log_missing_count, 0) as merchant_log_missing_count,
        coalesce(columns(r.* exclude (merchant_id, p, not_invoiced_amount,
            under_invoiced_amount)), 0),
        coalesce(r.not_invoiced_amount, 0)::decimal(18, 2) as not_invoiced_amount,
        coalesce(r.under_invoiced_amount, 0)::decimal(18, 2) as under_invoiced_amount,
        coalesce(pd.payments_count, 0) as payments_count,
        coalesce(pd.amount_paid, 0)::decimal(18, 2) as amount_paid
    from keys k
    left join inv on inv.merchant_id = k.merchant_id and inv.p = k.p
    left join unmatched u on u.merchant_id = k.merchant_id and u.p = k.p
    left join requests r on r.merchant_id = k.merchant_id and r.p = k.p
    left join paid pd on pd.merchant_id = k.merchant_id and pd.p = k.p
)

select * from final
