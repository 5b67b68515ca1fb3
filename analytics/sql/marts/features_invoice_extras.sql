-- Per merchant and month ($months), in one pass over the issued invoices of recon_facts:
-- * off_hours_count: non-voided invoices issued on a non-working day of the Chinese calendar
--   (work_calendar: weekends and statutory holidays; a 调休 Saturday counts as working) or
--   between 22:00 and 06:00, when nobody should be keying invoices by hand;
-- * seq_range / seq_gaps: the merchant log's invoice-number sequences. A series is a 数电票
--   number's first 12 digits (year, province, channel, the merchant's block; the last 8 digits
--   are its sequence) or a legacy 发票代码 (its 发票号码 is the sequence). The platform hands
--   out numbers without gaps, so a number missing between two the log holds is an invoice the
--   log lost. Counted inside each month's observed range (first to last number of the series
--   in the month): a month depends on its own rows only, so incremental runs stay exact.
--   Voided and red invoices consume numbers too. Rows are counted, not distinct numbers (a
--   distinct count costs 4x): a number logged twice hides one gap (check duplicate_invoice_no).
with issued as (
    select f.merchant_id, f.period, f.is_void,
        not coalesce(c.is_workday, true) or hour(f.issued_at) >= 22 or hour(f.issued_at) < 6
            as off_hours,
        if(length(f.subject_id) = 20, f.subject_id[1:12], split_part(f.subject_id, '-', 1))
            as series,
        try_cast(if(length(f.subject_id) = 20, f.subject_id[13:20],
            split_part(f.subject_id, '-', 2)) as bigint) as seq
    from recon_facts f
    left join work_calendar c on c.day = f.issued_at::date
    where f.subject = 'issued' and list_contains($months, f.period)
),

series_months as (
    select merchant_id, period, series,
        count(*) filter (where not is_void and off_hours) as off_hours_count,
        max(seq) - min(seq) + 1 as range_size,
        count(seq) as present
    from issued
    group by all
),

final as (
    select merchant_id, period,
        sum(off_hours_count)::bigint as off_hours_count,
        coalesce(sum(range_size), 0)::bigint as seq_range,
        coalesce(sum(greatest(range_size - present, 0)), 0)::bigint as seq_gaps
    from series_months
    group by all
)

select * from final
