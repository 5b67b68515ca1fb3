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
