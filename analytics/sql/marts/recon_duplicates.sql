-- Duplicate issued invoices among those issued in $months (the later one is the duplicate).
-- 1. a second live invoice for the same payment_id: duplicate of the first for that payment;
-- 2. no payment link: same merchant, buyer and 价税合计 within 10 minutes of the previous one.
-- "Live" = blue, not voided, not reversed by a red invoice: a reversed invoice re-issued
-- correctly is not a duplicate, and neither is a duplicate the merchant has already reversed.
-- Candidates are narrowed by cheap counts before any window runs (most keys occur once).
with reversed as (
    select original_invoice_no as invoice_no from work_issued
    where is_red and original_invoice_no is not null
    union
    select original_invoice_no from stg_tax where is_red and original_invoice_no is not null
    union
    select invoice_no from stg_tax where is_reversed
),

candidates as not materialized (
    select invoice_no, merchant_id, payment_id, buyer_key, total_amount, issued_at, period
    from work_issued
    where not is_red and not is_void
),

-- payments with two or more live invoices: counted first by a 64-bit hash of the payment id (a
-- collision only adds a candidate), then exactly on the few left. Every payment of work_issued
-- is counted, not only those of invoices issued in $months: the final filter on the months
-- drops the others, and work_issued holds only what an incremental run can reach. Restricting
-- the count by a semi-join first cost more than it saved (10M full run 2.6-3.5 -> 1.2-1.5 s; a
-- new day 0.4-0.5 -> 0.2 s; identical rows).
paid_hashes as (
    select hash(payment_id) as h from work_issued
    where payment_id is not null and not is_red and not is_void
    group by h having count(*) > 1
),

paid_live as (
    select c.* from candidates c
    semi join paid_hashes x on hash(c.payment_id) = x.h
    anti join reversed r on c.invoice_no = r.invoice_no
    where c.payment_id is not null
),

shared_payments as (
    select payment_id from paid_live group by payment_id having count(*) > 1
),

by_payment as (
    select invoice_no, period,
        first_value(invoice_no) over w as first_no,
        first_value(issued_at) over w as first_at,
        row_number() over w as rank_in_payment
    from paid_live semi join shared_payments s on paid_live.payment_id = s.payment_id
    window w as (partition by paid_live.payment_id order by issued_at, invoice_no)
),

-- rows up to 10 minutes before a target month can be the "previous" invoice of a target row
-- (with consecutive months the range is exact, as in fw_in_months: the list tests are skipped)
near as (
    select c.* from candidates c
    anti join reversed r on c.invoice_no = r.invoice_no
    where c.payment_id is null and c.buyer_key is not null
        and c.issued_at >= $lo - interval 10 minute and c.issued_at < $hi
        and ($consecutive or list_contains($months, c.period)
            or list_contains($months, strftime(c.issued_at + interval 10 minute, '%Y-%m')))
),

repeated as (
    select merchant_id, buyer_key, total_amount from near group by all having count(*) > 1
),

by_buyer as (
    select invoice_no, issued_at, period,
        lag(invoice_no) over w as prev_no, lag(issued_at) over w as prev_at
    from near semi join repeated r using (merchant_id, buyer_key, total_amount)
    window w as (partition by merchant_id, buyer_key, total_amount order by issued_at, invoice_no)
),

final as (
    select invoice_no, first_no as duplicate_of, 'payment_id' as duplicate_basis,
        first_at as duplicate_of_at
    from by_payment where rank_in_payment > 1 and list_contains($months, period)
    union all
    select invoice_no, prev_no, 'buyer_total', prev_at
    from by_buyer
    where prev_at >= issued_at - interval 10 minute and list_contains($months, period)
)

select * from final
