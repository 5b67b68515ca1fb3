-- Sellers invoicing under a legacy 15/20-character taxpayer id or an id that is not a valid
-- USCC, per month of use. The registry's id_format (set by the loader) decides; ids missing
-- from the registry are checked with fw_taxpayer_id_format
-- (analytics.validation.taxpayer_id_format, registered by the check runner) on distinct ids.
with used as (
    select merchant_id, period,
        invoices_issued + invoices_voided + merchant_log_missing_count as invoices
    from merchant_period_metrics
    where period_type = 'month' and list_contains($months, period)
        and invoices_issued + invoices_voided + merchant_log_missing_count > 0
),

ids as (
    select d.merchant_id, coalesce(m.id_format, fw_taxpayer_id_format(d.merchant_id)) as id_format
    from (select distinct merchant_id from used) d
    left join stg_merchant_attrs m on m.merchant_id = d.merchant_id
),

final as (
    select u.merchant_id, u.merchant_id as subject_id,
        case when i.id_format is null
            then format('{} is not a valid USCC or legacy taxpayer id; {} invoices in {}',
                u.merchant_id, u.invoices, u.period)
            else format('{} is a {} legacy taxpayer id, still used on {} invoices in {}',
                u.merchant_id, i.id_format, u.invoices, u.period)
        end as detail,
        u.period
    from used u join ids i on i.merchant_id = u.merchant_id
    where i.id_format is distinct from 'uscc'
)

select * from final
