-- Registered merchants for the profile's search box: the name contains $query, or the USCC
-- contains $needle (the query upper-cased); an empty query matches everyone. At most $limit
-- rows, by name then USCC, each with `matches` = how many merchants match in all (the box
-- says how many it found while showing the first ones).
with matched as (
    select merchant_id, name, district
    from merchants
    where $query = '' or contains(name, $query) or contains(merchant_id, $needle)
),

final as (
    select *, count(*) over () as matches
    from matched
    order by name nulls first, merchant_id nulls first
    limit $limit
)

select * from final
