-- Payments of $months with no invoice in the merchant's log whose invoice the tax system has:
-- invoiced, matched on amount and time. Run after recon_payments.sql and recon_tax_unmatched.sql
-- have written $months (analytics/reconcile.py).
--
-- The log lost the invoice (a broken export, a lost sync), so its tax record is
-- missing_in_merchant_log and carries no payment id. A payment with no linked invoice and such
-- a tax record are matched when the record has the same seller and the same 价税合计 to the
-- cent, is blue, not void, not reversed, and was issued within $grace_days days after the
-- payment (the grace period of the payment_not_invoiced check), and each is the other's
-- closest such candidate (smallest gap, then the other's id). Mutual closest, not an iterated
-- assignment, so a match depends only on rows within one window: a new row changes matches no
-- further than $grace_days days either side (pipeline/affected_months.sql). Competing payments of
-- months not recomputed now are their stored rows; stored matches of those months are left as
-- they are (a change that could move them brings their month into $months).
with rivals as (  -- payments without a log link that can compete for the same tax records
    select subject_id as payment_id, merchant_id, period, paid_at, amount_paid
    from recon_payment_facts
    where invoices_linked + red_linked = 0
        and paid_at >= $lo - to_days($grace_days::integer)
        and paid_at < $hi + to_days($grace_days::integer)
),

orphans as (
    select subject_id as invoice_no, merchant_id, issued_at, total_recorded
    from recon_tax_facts
    where not is_red and not coalesce(is_void, false)
        and coalesce(tax_status, '') not like '已红冲%'
        and issued_at >= $lo and issued_at < $hi + to_days($grace_days::integer)
),

candidates as (
    select r.payment_id, r.period, o.invoice_no, o.total_recorded,
        o.issued_at - r.paid_at as gap
    from rivals r join orphans o on fw_payment_candidate(
        r.merchant_id, r.amount_paid, r.paid_at, o.merchant_id, o.total_recorded, o.issued_at,
        $grace_days)
),

ranked as (
    select *,
        row_number() over (partition by payment_id order by gap, invoice_no) as payment_rank,
        row_number() over (partition by invoice_no order by gap, payment_id) as record_rank
    from candidates
),

final as (
    select payment_id, invoice_no as tax_invoice_no, total_recorded
    from ranked
    where payment_rank = 1 and record_rank = 1 and list_contains($months, period)
)

update recon_payment_facts f
set status = 'invoiced', total_issued = m.total_recorded, tax_invoice_no = m.tax_invoice_no
from final m
where f.subject_id = m.payment_id and list_contains($months, f.period)
