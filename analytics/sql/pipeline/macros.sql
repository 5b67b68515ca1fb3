-- Helpers shared by the marts (persistent, so views using them work on any connection).
-- fw_period_key('2026-03', 'quarter') = '2026-Q1'; with 'month' the month itself.
create or replace macro fw_period_key(month, period_type) as
    case when period_type = 'month' then month
        else left(month, 4) || '-Q' || ((right(month, 2)::integer + 2) // 3) end;
