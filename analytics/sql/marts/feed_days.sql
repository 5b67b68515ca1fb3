-- Feeds by issue day (analytics.feeds): per invoicing software and issue day, how many
-- invoices its merchants' log holds and how many the tax export holds (the software null for
-- merchants without one). Materialised once as work_feed_days, which feed_gaps.sql and
-- feed_coverage.sql read: a few thousand rows, from one pass over each raw table (~0.5 s at
-- 10M invoices).
with log_days as (
    select m.software_vendor, i.issued_at::date as day, count(*) as n
    from issued_invoices as i
    inner join merchants as m using (merchant_id)
    group by all
),

tax_days as (
    select m.software_vendor, t.issued_at::date as day, count(*) as n
    from tax_records as t
    inner join merchants as m on m.merchant_id = t.seller_tax_id
    group by all
),

days as (  -- (software, day) that either side holds; the software may be unknown (null)
    select software_vendor, day, coalesce(l.n, 0) as logged, coalesce(t.n, 0) as taxed
    from log_days as l
    full outer join tax_days as t using (software_vendor, day)
),

final as (
    select * from days
)

select * from final
