-- Per merchant and period: base columns (work_mp_base, work_mp_complaints built from
-- merchant_period_base.sql and merchant_period_complaints.sql) with merchant attributes for
-- filtering. The pipeline appends the registry's derived metrics (rates, per-1k, change).
with joined as (
    select
        coalesce(b.merchant_id, c.merchant_id) as merchant_id,
        coalesce(b.period, c.period) as period,
        b.* exclude (merchant_id, period),
        c.* exclude (merchant_id, period)
    from work_mp_base b
    full join work_mp_complaints c on c.merchant_id = b.merchant_id and c.period = b.period
),

filled as (
    select
        merchant_id, period,
        coalesce(columns(lambda c: c not in ('merchant_id', 'period', 'delay_p50', 'delay_p95')),
            0),
        delay_p50, delay_p95
    from joined
),

final as (
    select
        f.merchant_id,
        $period_type::varchar as period_type,
        f.period,
        case when $period_type = 'month' then strptime(f.period || '-01', '%Y-%m-%d')::date
            else make_date(left(f.period, 4)::integer,
                (right(f.period, 1)::integer - 1) * 3 + 1, 1)
        end as period_start,
        m.name as merchant_name,
        m.district,
        m.industry,
        m.size_band,
        m.software_vendor,
        -- merchants missing from the registry: 个体工商户 read off the id (USCC position 2)
        coalesce(m.is_individual, (length(f.merchant_id) = 18
            and substr(f.merchant_id, 2, 1) = '2') or length(f.merchant_id) = 20)
            as is_individual,
        1::bigint as merchants,
        f.* exclude (merchant_id, period),
        null::bigint as prev_invoices_issued
    from filled f
    left join stg_merchant_attrs m on m.merchant_id = f.merchant_id
)

select * from final
