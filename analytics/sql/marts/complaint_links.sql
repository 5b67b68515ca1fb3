-- One row per complaint (table complaint_links): its merchant (by USCC when registered, else by
-- name: complaint_name_matches), the named invoice's reconciliation status
-- (complaint_invoice_status), the final category (label, else complaint_predictions), and the
-- dimensions trends are cut by. Reads the raw tables so it does not depend on staging views.
with complaints as (
    select complaint_id, received_at, resolved_at, category, channel, district, status,
        nullif(trim(merchant_id), '') as merchant_id,
        nullif(trim(merchant_name), '') as merchant_name,
        nullif(trim(invoice_no), '') as invoice_no
    from complaints
),

registry as (
    select merchant_id, name, district, industry
    from merchants
    qualify row_number() over (partition by merchant_id order by batch_id desc, source_row desc) = 1
),

linked as (
    select c.*,
        coalesce(r.merchant_id, n.merchant_id) as linked_id,
        case when r.merchant_id is not null then 'uscc'
            else coalesce(n.link_method, 'unlinked') end as link_method,
        case when r.merchant_id is not null then 1
            else coalesce(n.link_candidates, 0) end as link_candidates
    from complaints as c
    left join registry as r on r.merchant_id = c.merchant_id
    left join complaint_name_matches as n
        on n.name = c.merchant_name and n.district is not distinct from c.district
),

final as (
    select
        l.complaint_id,
        l.linked_id as merchant_id,
        l.link_method,
        l.link_candidates,
        l.merchant_name,                  -- as the complaint gave it
        m.name as linked_name,            -- the registry's name of the linked merchant
        l.invoice_no,
        s.status as invoice_status,
        s.reason_zh as invoice_reason_zh,
        s.reason_en as invoice_reason_en,
        s.recorded_at as invoice_recorded_at,
        ps.payment_status as invoice_payment_status,
        coalesce(l.category, p.category) as category,
        case when l.category is not null then 'label'
            when p.category is not null then 'model'
            else 'unclassified' end as category_source,
        case when l.category is null then p.confidence end as category_confidence,
        l.received_at,
        l.resolved_at,
        case when l.resolved_at >= l.received_at
            then date_diff('second', l.received_at, l.resolved_at) / 86400.0
        end as resolution_days,          -- calendar days, as complainants count them
        l.channel,
        coalesce(l.district, m.district) as district,
        m.industry,
        strftime(l.received_at, '%Y-%m') as period,
        year(l.received_at) || '-Q' || quarter(l.received_at) as quarter,
        date_trunc('week', l.received_at)::date as week,  -- ISO week, Monday
        l.status
    from linked as l
    left join registry as m on m.merchant_id = l.linked_id
    left join complaint_invoice_status as s on s.invoice_no = l.invoice_no
    left join complaint_payment_status as ps on ps.payment_id = s.payment_id
    left join complaint_predictions as p on p.complaint_id = l.complaint_id
)

select * from final
