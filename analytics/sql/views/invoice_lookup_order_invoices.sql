-- 发票查询 (analytics.invoice_lookup): the invoices the merchants' logs issued for the orders
-- (payments) of $order_ids, so that a customer who has only an order number learns what became
-- of the invoices issued for it.
with final as (
    select payment_id as asked, invoice_no
    from issued_invoices
    where list_contains($order_ids, payment_id)
)

select * from final order by asked, invoice_no
