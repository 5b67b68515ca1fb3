-- The first and last instants in the data, and the default as-of time (the latest 入库 time):
-- the working-day calendar must cover [first, last] plus room for deadlines.
with instants as (
    select min(issued_at) as lo, max(issued_at) as hi from issued_invoices
    union all select min(issued_at), max(issued_at) from tax_records
    union all select min(recorded_at), max(recorded_at) from tax_records
    union all select min(paid_at), max(paid_at) from payments
    union all select min(received_at), max(received_at) from complaints
),

final as (
    select min(lo) as first_at, max(hi) as last_at,
        (select max(recorded_at) from tax_records) as latest_recorded
    from instants
)

select * from final
