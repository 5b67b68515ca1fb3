-- The working-day deadline the latest analysis used ("on time" = recorded within it).
with final as (
    select deadline_workdays
    from analysis_runs
    order by run_id desc
    limit 1
)

select * from final
