-- The runs of `analyse` that succeeded, newest first (with analysis_failure_list.sql, the
-- Data import page's analysis history). Every column but the bookkeeping ones, so that a
-- snapshot published before reason_code existed still reads (analytics.imports fills it in).
with final as (
    select
        * exclude (
            run_id, started_at, finished_at, mode, version, deadline_workdays, new_batches,
            months, quarters, stage_seconds, row_counts
        ),
        finished_at as run_at,
        mode as outcome,
        len(new_batches) as new_batches,
        array_to_string(months, ', ') as months,
        date_diff('millisecond', started_at, finished_at) / 1000.0 as seconds
    from analysis_runs
)

select * from final
