-- cube_delay_buckets.sql and cube_delay_quantile.sql in one statement, for a page that shows
-- both for one selection and grouping (the Entry monitoring page, by vendor): rows with a
-- `bucket` are bucket counts (`invoices`), rows without one carry the group's quantile $q
-- (`recorded`, `delay_quantile`, `exact`). The same expressions as those two files.
with groups as (
    select gkey,
        sum(on_time_count)::bigint as on_time,
        sum(late_count)::bigint as late,
        sum(missing_count)::bigint as missing
    from fw_cube_scope(
        $by, $period_from, $period_to, $districts, $industries, $size_bands, $vendors, $individual
    )
    group by gkey
),

tails as (
    select * from fw_cube_tails(
        $by, $deadline, $period_from, $period_to,
        $districts, $industries, $size_bands, $vendors, $individual
    )
),

late_buckets as (
    select gkey, 1 + len(list_filter($edges, lambda e: e < d)) as bucket, count(*)::bigint as n
    from (select gkey, unnest(tail) as d from tails)
    group by all
),

final as (
    select gkey, 0 as bucket, on_time as invoices, null::bigint as recorded,
        null::double as delay_quantile, null::boolean as exact
    from groups
    union all
    select gkey, -1, missing, null, null, null from groups
    union all
    select gkey, bucket, n, null, null, null from late_buckets
    union all
    select g.gkey, null, null, on_time + late,
        fw_tail_quantile(on_time, late, t.tail, $q, $deadline),
        fw_tail_exact(on_time, late, $q)
    from groups as g
    left join tails as t on t.gkey = g.gkey
    where on_time + late > 0
)

select * from final
