-- delay_buckets.sql from the aggregate marts (analytics/cubes.py), for filters without
-- merchants and groups of $by among period and the attributes: bucket 0 = on time and -1 =
-- missing from cube_metrics, the late buckets (upper edges $edges) from cube_delays.
with scoped as (
    select *, list_transform($by, lambda k: case k
        when 'period' then period when 'district' then district when 'industry' then industry
        when 'size_band' then size_band when 'software_vendor' then software_vendor
        when 'is_individual' then is_individual::varchar
    end) as gkey
    from cube_metrics
    where period between $period_from and $period_to
        and (len($districts) = 0 or list_contains($districts, district))
        and (len($industries) = 0 or list_contains($industries, industry))
        and (len($size_bands) = 0 or list_contains($size_bands, size_band))
        and (len($vendors) = 0 or list_contains($vendors, software_vendor))
        and ($individual is null or is_individual = $individual)
),

counted as (
    select gkey, 0 as bucket, sum(on_time_count)::bigint as invoices from scoped group by gkey
    union all
    select gkey, -1 as bucket, sum(missing_count)::bigint as invoices from scoped group by gkey
),

late as (
    select
        list_transform($by, lambda k: case k
            when 'period' then period when 'district' then district
            when 'industry' then industry when 'size_band' then size_band
            when 'software_vendor' then software_vendor
            when 'is_individual' then is_individual::varchar
        end) as gkey,
        1 + len(list_filter($edges, lambda e: e < delay_workdays)) as bucket,
        count(*)::bigint as invoices
    from cube_delays
    where delay_workdays > $deadline and period between $period_from and $period_to
        and (len($districts) = 0 or list_contains($districts, district))
        and (len($industries) = 0 or list_contains($industries, industry))
        and (len($size_bands) = 0 or list_contains($size_bands, size_band))
        and (len($vendors) = 0 or list_contains($vendors, software_vendor))
        and ($individual is null or is_individual = $individual)
    group by all
),

final as (
    select * from counted
    union all
    select * from late
)

select * from final
