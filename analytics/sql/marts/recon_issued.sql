-- recon_issued_facts: one row per merchant-side invoice issued in $months: its tax-system twin
-- (visible as of $as_of), its delay on the working clock, its deadline, its flags and its one
-- status. Working clock of t = working days before t's date + the elapsed share of t's day if
-- that day is a working day (work_calendar); delay = clock(recorded) - clock(issued), set-wise.
-- The deadline is the instant the clock has run $deadline working days from the issue: the same
-- time of day on the N-th working day after a working day's issue, the end of the N-th working
-- day after a rest day's. Late and missing use the one clock: a record is late when its delay
-- exceeds N, an unrecorded invoice is missing when the delay up to $as_of would. Rules and
-- precedence: analytics/reconcile.py.
with issued as (
    select invoice_no, merchant_id, issued_at, issued_on, period, total_amount, is_red, is_void
    from stg_issued
    where fw_in_months(issued_at, period, $months, $lo, $hi, $consecutive)
),

tax as (
    select invoice_no, merchant_id as seller, issued_at as tax_issued, recorded_at,
        total_amount as total_recorded, status as tax_status
    from stg_tax
    where recorded_at is null or recorded_at <= $as_of
),

as_of_clock as (  -- no row when $as_of lies outside the calendar
    select workdays_before,
        case when is_workday then extract(epoch from $as_of::time) else 0 end as secs
    from work_calendar where day = $as_of::date
),

clocked as (
    select
        i.*,
        t.invoice_no is not null as is_recorded,
        t.recorded_at, t.total_recorded, t.tax_status,
        nullif(t.seller, i.merchant_id) as tax_seller_id,
        nullif(t.tax_issued, i.issued_at) as tax_issued_at,
        case
            when ci.is_workday then ci.deadline_day + i.issued_at::time
            when $deadline = 0 then ci.deadline_day::timestamp  -- the next working day begins
            else ci.deadline_day + interval 1 day
        end as deadline_at,
        (cr.workdays_before - ci.workdays_before)::double
            + (case when cr.is_workday then extract(epoch from t.recorded_at::time) else 0 end
               - case when ci.is_workday then extract(epoch from i.issued_at::time) else 0 end)
            / 86400.0 as delay_workdays,
        -- the delay an entry at $as_of would have (same formula, so the same boundary)
        (n.workdays_before - ci.workdays_before)::double
            + (n.secs - case when ci.is_workday then extract(epoch from i.issued_at::time) else 0 end)
            / 86400.0 as delay_as_of
    from issued i
    left join tax t on t.invoice_no = i.invoice_no
    left join work_calendar ci on ci.day = i.issued_on
    left join work_calendar cr on cr.day = t.recorded_at::date
    left join as_of_clock n on true
),

flagged as (
    select
        c.*,
        d.duplicate_of, d.duplicate_basis, d.duplicate_of_at,
        d.invoice_no is not null as is_duplicate,
        -- a record without a time (rare: the loader stamps first_seen) cannot be shown late
        is_recorded and coalesce(delay_workdays <= $deadline, true) as is_on_time,
        is_recorded and coalesce(delay_workdays > $deadline, false) as is_late,
        -- outside the calendar, $as_of is before every deadline or after every known one
        not is_recorded and deadline_at is not null
            and coalesce(delay_as_of > $deadline, deadline_at < $as_of) as is_missing,
        not is_recorded and not is_missing as is_pending,
        is_recorded and not is_void and abs(total_amount - total_recorded) > 0.01 as is_mismatch
    from clocked c
    left join work_duplicates d on d.invoice_no = c.invoice_no
),

final as (
    select
        invoice_no as subject_id, merchant_id, period,
        case
            when is_duplicate then 'duplicate'
            when is_missing then 'missing_in_system'
            when is_pending then 'pending_entry'
            when is_mismatch then 'amount_mismatch'
            when is_late then 'entered_late'
            else 'entered_on_time'
        end as status,
        issued_at, recorded_at, deadline_at, delay_workdays,
        $deadline::integer as deadline_workdays,
        total_amount as total_issued, total_recorded,
        is_red, is_void, tax_status,
        is_recorded, is_on_time, is_late, is_missing, is_pending, is_mismatch, is_duplicate,
        duplicate_of, duplicate_basis, duplicate_of_at, tax_seller_id, tax_issued_at
    from flagged
)

select * from final
