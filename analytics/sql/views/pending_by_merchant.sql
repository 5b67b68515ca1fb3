-- Every merchant with invoices pending entry (pending_entries), with its attributes: how many,
-- how many with at most $soon working days left, the nearest deadline and the working time
-- left to it, the oldest issue time and the sum. Not filtered: one small frame per snapshot,
-- which analytics.views.pending_in_scope narrows for each filter change.
with per_merchant as (
    select
        merchant_id,
        count(*) as pending,
        count(*) filter (where workdays_left <= $soon) as due_soon,
        min(deadline_at) as deadline_at,
        min(workdays_left) as workdays_left,
        min(issued_at) as first_issued,
        sum(total_amount) as amount
    from pending_entries
    group by merchant_id
),

final as (
    select p.merchant_id, m.name as merchant_name,
        m.district, m.industry, m.size_band, m.software_vendor, m.is_individual,
        p.* exclude (merchant_id)
    from per_merchant p
    left join merchants m using (merchant_id)
)

select * from final
