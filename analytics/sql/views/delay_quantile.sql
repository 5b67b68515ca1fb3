-- Delay quantile $q (working days, issue -> 入库) per group of $by over the recorded invoices in
-- scope, from what the snapshot keeps: per merchant-month the count of invoices on time (delay
-- <= $deadline, values not kept) and every late invoice's own delay (recon_exceptions). Position
-- h = q * (n - 1) of the sorted delays is interpolated as DuckDB's quantile_cont does; on-time
-- invoices stand in at the deadline, so the value is exact when both neighbours are late
-- (`exact`) and otherwise an upper bound at or just above the deadline.
with scoped as (
    select *, fw_group_key(
        $by, period, merchant_id, district, industry, size_band, software_vendor, is_individual
    ) as gkey
    from fw_periods(
        'month', $period_from, $period_to,
        $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
    )
),

groups as (
    select gkey, sum(on_time_count)::bigint as on_time, sum(late_count)::bigint as late
    from scoped
    group by gkey
    having sum(on_time_count) + sum(late_count) > 0
),

tail as (
    select s.gkey, x.delay_workdays as delay,
        row_number() over (partition by s.gkey order by x.delay_workdays) - 1 as i
    from recon_exceptions as x
    join scoped as s on s.merchant_id = x.merchant_id and s.period = x.period
    where x.subject = 'issued' and x.delay_workdays > $deadline
),

pos as (
    select gkey, on_time, late,
        $q * (on_time + late - 1) as h,
        floor($q * (on_time + late - 1))::bigint as k
    from groups
),

neighbours as (
    select p.*, lo.delay as d_lo, hi.delay as d_hi
    from pos as p
    left join tail as lo on lo.gkey = p.gkey and lo.i = p.k - p.on_time
    left join tail as hi
        on hi.gkey = p.gkey and hi.i = least(p.k + 1, p.on_time + p.late - 1) - p.on_time
),

final as (
    select gkey, on_time + late as recorded,
        coalesce(d_lo, $deadline) + (h - k) * (coalesce(d_hi, $deadline) - coalesce(d_lo, $deadline))
            as delay_quantile,
        k >= on_time as exact
    from neighbours
)

select * from final
