-- Macros over the aggregate marts of analytics/cubes.py, for the cube_*.sql views. Kept apart
-- from macros.sql because a table macro is bound when it is created: on a snapshot published
-- before the marts existed, creating these fails (a catalogue error), and the cube view falls
-- back to its merchant-row twin (analytics.cube_views.attempt).

-- The marts in scope, each row with its group key `gkey` over `names` (no merchant: the marts
-- hold none). Periods are months between period_from and period_to inclusive.
create or replace temp macro fw_cube_scope(
    names, period_from, period_to, districts, industries, size_bands, vendors, individual
) as table
    select *, fw_group_key(
        names, period, null, district, industry, size_band, software_vendor, is_individual
    ) as gkey
    from cube_metrics
    where period between period_from and period_to
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            districts, industries, size_bands, vendors, individual
        );

-- The late delays (above `deadline`) in scope, per group: `tail`, sorted ascending.
create or replace temp macro fw_cube_tails(
    names, deadline, period_from, period_to,
    districts, industries, size_bands, vendors, individual
) as table
    select
        fw_group_key(
            names, period, null, district, industry, size_band, software_vendor, is_individual
        ) as gkey,
        list_sort(list(delay_workdays)) as tail
    from cube_delays
    where delay_workdays > deadline and period between period_from and period_to
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            districts, industries, size_bands, vendors, individual
        )
    group by all;

-- Delay quantile q of a group of on_time + late recorded invoices, from its sorted late delays
-- `tail` (on-time delays are not kept: they stand in at `deadline`). Position
-- h = q * (n - 1) is interpolated between the delays at floor(h) and the next, as quantile_cont
-- does; the value is exact when floor(h) falls among the late ones (fw_tail_exact).
-- fw_tail_at: the i-th delay (0-based) of the group, null among the on-time ones.
create or replace temp macro fw_tail_at(tail, on_time, i) as
    case when i >= on_time then tail[i - on_time + 1] end;

create or replace temp macro fw_tail_interpolate(lo, hi, frac, deadline) as
    coalesce(lo, deadline) + frac * (coalesce(hi, deadline) - coalesce(lo, deadline));

create or replace temp macro fw_tail_quantile(on_time, late, tail, q, deadline) as
    fw_tail_interpolate(
        fw_tail_at(tail, on_time, floor(q * (on_time + late - 1))::bigint),
        fw_tail_at(
            tail, on_time, least(floor(q * (on_time + late - 1))::bigint + 1, on_time + late - 1)
        ),
        q * (on_time + late - 1) - floor(q * (on_time + late - 1))::bigint,
        deadline
    );

create or replace temp macro fw_tail_exact(on_time, late, q) as
    floor(q * (on_time + late - 1))::bigint >= on_time;
