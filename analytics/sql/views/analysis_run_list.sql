-- The runs of `analyse` that succeeded, newest first (with analysis_failure_list.sql, the
-- Data import page's analysis history).
with final as (
    select
        finished_at as run_at,
        mode as outcome,
        reason,
        len(new_batches) as new_batches,
        array_to_string(months, ', ') as months,
        as_of,
        date_diff('millisecond', started_at, finished_at) / 1000.0 as seconds
    from analysis_runs
)

select * from final
