-- Merchants with invoices pending entry (pending_entries) under the attribute filters, the
-- nearest deadline first: how many, how many with at most $soon working days left, the
-- nearest deadline day and the working time left to it, the oldest issue time and the sum.
-- The period range does not apply: pending is about the as-of time. At most $limit rows; the
-- *_total columns count every merchant in scope, the rows left out included.
with scoped as (
    select p.*, m.name as merchant_name, m.district, m.industry, m.software_vendor
    from pending_entries p
    left join merchants m using (merchant_id)
    where fw_attr_match(
        p.merchant_id, m.district, m.industry, m.size_band, m.software_vendor, m.is_individual,
        $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
    )
),

per_merchant as (
    select
        merchant_id,
        any_value(merchant_name) as merchant_name,
        any_value(district) as district,
        any_value(industry) as industry,
        any_value(software_vendor) as software_vendor,
        count(*) as pending,
        count(*) filter (where workdays_left <= $soon) as due_soon,
        min(deadline_day) as deadline_day,
        min(workdays_left) as workdays_left,
        min(issued_at) as first_issued,
        sum(total_amount) as amount
    from scoped
    group by merchant_id
),

final as (
    select *,
        count(*) over () as merchants_total,
        sum(pending) over ()::bigint as pending_total,
        sum(due_soon) over ()::bigint as due_soon_total,
        sum(amount) over () as amount_total
    from per_merchant
    order by workdays_left nulls last, pending desc, merchant_id
    limit $limit
)

select * from final
