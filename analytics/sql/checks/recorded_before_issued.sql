-- A tax record whose 入库 time is earlier than the invoice's issue time, on either side's
-- issue time. Reads the reconciliation of the same run: matched pairs (tax_issued_at is set
-- where the tax system's issue time differs) and tax records with no twin.
with records as (
    select * from recon_facts
    where subject in ('issued', 'tax_record') and recorded_at is not null
        and list_contains($months, period)
),

compared as (
    select merchant_id, subject_id, period, recorded_at,
        least(issued_at, coalesce(tax_issued_at, issued_at)) as earliest_issue
    from records
),

final as (
    select merchant_id, subject_id,
        format('invoice {} recorded {} but issued {}', subject_id,
            strftime(recorded_at, '%Y-%m-%d %H:%M'),
            strftime(earliest_issue, '%Y-%m-%d %H:%M')) as detail,
        period
    from compared
    where recorded_at < earliest_issue
)

select * from final
