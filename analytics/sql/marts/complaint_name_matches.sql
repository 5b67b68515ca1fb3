-- Complaint merchant names -> registry merchants (temp table complaint_name_matches), one row
-- per distinct (name, complaint district). Keys come from analytics.complaints.name_keys over
-- distinct names: complaint_name_keys(name, k_*), complaint_merchant_keys(merchant_id,
-- district, k_*). Levels, strictest first; the first level with a candidate decides:
--   0 same name up to width/brackets/spaces, 1 same normalize_name key, 2 same variant key
--   (no 北京市 / district prefix, no suffixes), 3 one variant key contains the other (both at
--   least $min_contain characters).
-- One candidate links. Several: the district the name starts with (else the complaint's
-- district) links the one candidate registered there, if exactly one is; else 'ambiguous'.
with names as (
    select distinct k.*, c.district, coalesce(k.k_district, c.district) as hint
    from complaint_name_keys as k
    join complaints as c on nullif(trim(c.merchant_name), '') = k.name
),

equal as (
    select n.name, n.district, n.hint, 0 as level, m.merchant_id, m.district as m_district
    from names as n join complaint_merchant_keys as m on n.k_full = m.k_full
    union all
    select n.name, n.district, n.hint, 1, m.merchant_id, m.district
    from names as n join complaint_merchant_keys as m on n.k_exact = m.k_exact
    union all
    select n.name, n.district, n.hint, 2, m.merchant_id, m.district
    from names as n join complaint_merchant_keys as m on n.k_variant = m.k_variant
),

-- containment is a nested-loop join: only for names no key matched
contained as (
    select n.name, n.district, n.hint, 3 as level, m.merchant_id, m.district as m_district
    from (select * from names where name not in (select name from equal)) as n
    join complaint_merchant_keys as m
        on length(n.k_variant) >= $min_contain and length(m.k_variant) >= $min_contain
        and (contains(m.k_variant, n.k_variant) or contains(n.k_variant, m.k_variant))
),

first_level as (
    select * from (select * from equal union all select * from contained)
    qualify level = min(level) over (partition by name, district)
),

picked as (
    select name, district, min(level) as level,
        count(distinct merchant_id) as link_candidates,
        min(merchant_id) as only_candidate,
        count(distinct merchant_id) filter (where m_district = hint) as in_district,
        min(merchant_id) filter (where m_district = hint) as district_candidate
    from first_level
    group by name, district
),

final as (
    select
        name,
        district,
        case when link_candidates = 1 then only_candidate
            when in_district = 1 then district_candidate end as merchant_id,
        case
            when link_candidates > 1 and in_district <> 1 then 'ambiguous'
            when level <= 1 then 'name_exact'
            else 'name_variant'
        end as link_method,
        link_candidates
    from picked
)

select * from final
