-- What the figures of the latest analysis leave out: the last successful run, and the import
-- batches no run has analysed yet (loaded since, or kept waiting by a failing analysis).
with analysed as (
    select distinct unnest(new_batches) as batch_id
    from analysis_runs
),

last_run as (
    select
        max(finished_at) as analysed_at,
        arg_max(as_of, run_id) as as_of,
        -- read through JSON: a snapshot published before the column existed gives null
        to_json(arg_max(analysis_runs, run_id)) ->> 'as_of_source' as as_of_source
    from analysis_runs
),

waiting as (
    select
        count(*) as waiting_batches,
        coalesce(sum(rows_loaded), 0)::bigint as waiting_rows,
        min(started_at) as waiting_since
    from import_batches
    anti join analysed using (batch_id)
),

final as (
    select analysed_at, as_of, as_of_source, waiting_batches, waiting_rows, waiting_since
    from last_run, waiting
)

select * from final
