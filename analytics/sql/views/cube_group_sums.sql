-- group_sums.sql from the aggregate marts (analytics/cubes.py) for filters without merchants
-- and groups of $by among period, period_start, the attributes and `total`: metric sums per
-- group from cube_metrics; distinct merchants per group from cube_metrics when the groups are
-- months (a merchant has one row a month), else from the cube_merchants rows present in the
-- range (`spans` merchants each, or one named merchant), unioned in so one aggregate does both.
with scoped as (
    select *, 'all' as total
    from cube_metrics
    where period between $period_from and $period_to
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            $districts, $industries, $size_bands, $vendors, $individual
        )
),

present as (
    select district, industry, size_band, software_vendor, is_individual, 'all' as total,
        merchant_id, case when merchant_id is null then merchants end as spans
    from cube_merchants
    where not list_has_any($by, ['period', 'period_start'])
        and first_period <= $period_to and last_period >= $period_from
        and (periods is null
            or len(list_filter(periods, lambda p: p between $period_from and $period_to)) > 0)
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            $districts, $industries, $size_bands, $vendors, $individual
        )
),

rows as (
    select * from scoped
    union all by name
    select * from present
),

final as (
    select
        columns(lambda c: list_contains($by, c)),
        (case when list_has_any($by, ['period', 'period_start']) then sum(merchants)
            else count(distinct merchant_id) + coalesce(sum(spans), 0) end)::bigint as merchants,
        min(period_start) as first_period_start,
        sum(columns(lambda c: list_contains($count_columns, c)))::bigint,
        sum(columns(lambda c: list_contains($amount_columns, c)))::decimal(18, 2)
    from rows
    group by all
)

select * from final
