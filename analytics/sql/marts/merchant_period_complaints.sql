-- Complaints per merchant and period by category (received_at month or quarter), for
-- complaints linked to a merchant (by USCC or by name: complaint_links, written by the
-- complaints stage) with their final category (labelled, else the text model's).
-- Categories: data/reference/complaint_categories.csv (tests check that this list and the
-- metric registry agree); null = neither labelled nor classified.
with complaints as (
    select *, case when $period_type = 'month' then period else quarter end as p
    from complaint_links
    where merchant_id is not null
        and received_at >= $lo and received_at < $hi and list_contains($months, period)
),

final as (
    select merchant_id, p as period,
        count(*) as complaints,
        count(*) filter (where category = 'not_found') as complaints_not_found,
        count(*) filter (where category = 'paper_electronic_mismatch')
            as complaints_paper_electronic_mismatch,
        count(*) filter (where category = 'amount_short') as complaints_amount_short,
        count(*) filter (where category = 'not_timely') as complaints_not_timely,
        count(*) filter (where category = 'service_attitude') as complaints_service_attitude,
        count(*) filter (where category = 'other') as complaints_other,
        count(*) filter (where category is null) as complaints_unlabelled
    from complaints
    group by all
)

select * from final
