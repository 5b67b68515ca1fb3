-- cube_group_sums.sql for several groupings of one selection at once: $sets lists the group
-- keys of each (attributes and `total` only), and each output row carries `grouping` (its
-- set's position, from 1) and `gkey` (its key values, as text). A page showing the same
-- selection by district × industry, by vendor and by taxpayer type then binds and scans once
-- instead of three times; the numbers are those of cube_group_sums.sql for each set.
with scoped as (
    select *, 'all' as total
    from cube_metrics
    where period between $period_from and $period_to
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            $districts, $industries, $size_bands, $vendors, $individual
        )
),

present as (  -- merchants present in the range (see cube_group_sums.sql)
    select district, industry, size_band, software_vendor, is_individual, 'all' as total,
        merchant_id, case when merchant_id is null then merchants end as spans
    from cube_merchants
    where first_period <= $period_to and last_period >= $period_from
        and (periods is null
            or len(list_filter(periods, lambda p: p between $period_from and $period_to)) > 0)
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            $districts, $industries, $size_bands, $vendors, $individual
        )
),

keyed as (
    select r.*, g.grouping,
        fw_group_key(
            $sets[g.grouping], null, null,
            r.district, r.industry, r.size_band, r.software_vendor, r.is_individual
        ) as gkey
    from (select * from scoped union all by name select * from present) as r
    cross join (select unnest(range(1, len($sets) + 1)) as grouping) as g
),

final as (
    select
        grouping, gkey,
        (count(distinct merchant_id) + coalesce(sum(spans), 0))::bigint as merchants,
        min(period_start) as first_period_start,
        sum(columns(lambda c: list_contains($count_columns, c)))::bigint,
        sum(columns(lambda c: list_contains($amount_columns, c)))::decimal(18, 2)
    from keyed
    group by grouping, gkey
)

select * from final
