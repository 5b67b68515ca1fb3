-- Runs of `analyse` that failed after the last successful one ended ($since), with the latest
-- reason.
with failed as (
    select *
    from analysis_failures
    where failed_at > $since
),

final as (
    select
        count(*) as failures,
        min(failed_at) as first_failed_at,
        max(failed_at) as last_failed_at,
        arg_max(reason_code, failed_at) as reason_code,
        arg_max(reason, failed_at) as reason,
        arg_max(missing_year, failed_at) as missing_year
    from failed
)

select * from final
