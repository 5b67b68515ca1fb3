-- Helpers shared by the marts (persistent, so views using them work on any connection).
-- fw_period_key('2026-03', 'quarter') = '2026-Q1'; with 'month' the month itself.
create or replace macro fw_period_key(month, period_type) as
    case when period_type = 'month' then month
        else left(month, 4) || '-Q' || ((right(month, 2)::integer + 2) // 3) end;

-- fw_period_keys(['2026-01', '2026-02'], 'quarter'): (period, p) for each month, its key. Joined
-- to month rows, it computes each key once per month rather than once per row (string work
-- that cost more than the grouping on a quarter pass).
create or replace macro fw_period_keys(months, period_type) as table
    select month as period, fw_period_key(month, period_type) as p
    from (select distinct unnest(months) as month);

-- fw_in_months(instant, period, $months, $lo, $hi, $consecutive): the row's instant lies in
-- one of the months (period = its month). [$lo, $hi) covers them all and skips row groups by
-- zone map; only months with a gap need the per-row list test, which formats each row's month
-- (~0.3 s per 10M rows of a staging view). $consecutive comes from Context.params and is a
-- constant, so a full run or a new day's months plan the range test alone.
create or replace macro fw_in_months(t, period, months, lo, hi, consecutive) as
    t >= lo and t < hi and (consecutive or list_contains(months, period));

-- fw_payment_candidate(merchant, amount, paid_at, seller, total, issued_at, grace_days): a tax
-- record (seller, total, issued_at) the merchant's log lacks can be the invoice of a payment
-- (merchant, amount, paid_at) with none in the log: the same merchant, the same 价税合计 to the
-- cent, issued at or after the payment and within grace_days days. One rule for the matching
-- (marts/recon_payment_matches.sql) and for the months an incremental run recomputes around it
-- (pipeline/affected_months.sql, pipeline/moved_as_of_months.sql).
create or replace macro fw_payment_candidate(
    merchant, amount, paid_at, seller, total, issued_at, grace_days
) as
    seller = merchant and total = amount and issued_at >= paid_at
        and issued_at < paid_at + to_days(grace_days::integer);
