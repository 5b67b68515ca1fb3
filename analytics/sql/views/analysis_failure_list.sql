-- The runs of `analyse` that failed and were rolled back (see analysis_run_list.sql).
with final as (
    select
        failed_at as run_at,
        'failed' as outcome,
        reason,
        reason_code,
        missing_year
    from analysis_failures
)

select * from final
