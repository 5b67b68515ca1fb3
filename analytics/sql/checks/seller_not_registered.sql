-- Tax records whose seller (销方识别号) is not in the merchant registry: one row per seller and
-- month, naming how many records and one example.
with unknown_rows as (
    select t.seller_tax_id as merchant_id, t.invoice_no, strftime(t.issued_at, '%Y-%m') as period
    from tax_records t
    anti join merchants m on m.merchant_id = t.seller_tax_id
    where t.issued_at >= $lo and t.issued_at < $hi
),

unknown as (
    select merchant_id, period, count(*) as records, min(invoice_no) as example
    from unknown_rows
    where list_contains($months, period)
    group by merchant_id, period
),

final as (
    select merchant_id, merchant_id as subject_id,
        format('seller {} is not in the merchant registry: {} tax records in {} (e.g. {})',
            merchant_id, records, period, example) as detail,
        period
    from unknown
)

select * from final
