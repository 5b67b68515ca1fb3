-- 发票查询 (analytics.invoice_lookup): the invoices the merchants' logs issued for the orders
-- (payments) of $order_ids, so that a customer who has only an order number learns what became
-- of the invoices issued for it. With none in the log, the tax record reconciliation matched
-- to the payment on amount and time (marts/recon_payment_matches.sql) is its invoice.
with final as (
    select payment_id as asked, invoice_no
    from issued_invoices
    where list_contains($order_ids, payment_id)
    union all
    select subject_id, tax_invoice_no
    from recon_payment_facts
    where list_contains($order_ids, subject_id) and tax_invoice_no is not null
)

select * from final order by asked, invoice_no
