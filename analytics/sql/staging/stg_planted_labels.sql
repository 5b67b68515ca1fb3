-- Ground truth written by the synthetic generator (merchant, period, planted cause).
-- Input: _ing_typed (generic parsing and checks).
with typed as (
    select * from _ing_typed
),

final as (
    select
        __row,
        merchant_id,
        period,
        cause,
        generic_problems || list_filter(
            [
                case when period is not null and not regexp_full_match(period, '[0-9]{4}-[0-9]{2}')
                    then {'code': 'invalid_value', 'detail': 'period ' || period || ' is not YYYY-MM'}
                end
            ],
            lambda p: p is not null
        ) as problems
    from typed
)

select * from final
