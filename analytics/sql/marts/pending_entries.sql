-- pending_entries: the invoices issued in $months that are not in the tax system yet and whose
-- entry deadline has not passed as of $as_of (is_pending; voided ones left out, as
-- invoices_pending counts them): what an official can still chase before it turns late.
-- deadline_at = the last instant to enter it in time (recon_issued.sql); workdays_left =
-- working time from $as_of to the deadline on the working clock of recon_issued.sql (0.5 =
-- half a working day); null where the deadline is unknown (a year with no holiday table yet).
-- Small (the last working days' invoices), so it is copied into the dashboard's snapshot;
-- recomputed whenever the as-of time moves (moved_as_of_months.sql).
with now_clock as (
    select workdays_before
        + case when is_workday then extract(epoch from $as_of::time) / 86400.0 else 0 end
        as clock
    from work_calendar where day = $as_of::date
),

pending as (
    select merchant_id, period, subject_id as invoice_no, issued_at, deadline_at,
        total_issued as total_amount, is_red
    from recon_issued_facts
    where list_contains($months, period) and is_pending and not is_void
),

final as (
    select p.*,
        d.workdays_before
            + case when d.is_workday then extract(epoch from p.deadline_at::time) / 86400.0
                else 0 end
            - n.clock as workdays_left
    from pending p
    left join now_clock n on true
    left join work_calendar d on d.day = p.deadline_at::date
)

select * from final
