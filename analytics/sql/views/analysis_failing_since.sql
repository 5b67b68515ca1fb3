-- Runs of `analyse` that failed after the last successful one, with the latest reason. A failure
-- knows the run it followed (after_run_id); rows kept before that column existed, and snapshots
-- published before it, are compared by time with the last success's end ($since).
with tagged as (
    select
        *,
        -- read through JSON: a snapshot published before the column existed gives null
        (to_json(analysis_failures) ->> 'after_run_id')::integer as after_run
    from analysis_failures
),

last_run as (
    select max(run_id) as run_id
    from analysis_runs
),

failed as (
    select tagged.*
    from tagged, last_run
    where
        case
            when after_run is null then failed_at > $since
            else after_run >= last_run.run_id
        end
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
