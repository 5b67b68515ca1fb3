-- Every month holding any subject: the scope of a full analysis.
with touched as (
    select distinct strftime(issued_at, '%Y-%m') as month from issued_invoices
    union select distinct strftime(issued_at, '%Y-%m') from tax_records
    union select distinct strftime(paid_at, '%Y-%m') from payments
    union select distinct strftime(received_at, '%Y-%m') from complaints
),

final as (
    select month from touched where month is not null
)

select * from final
