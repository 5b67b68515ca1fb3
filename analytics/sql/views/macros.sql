-- Scope macros for the read-side views (created as temp macros on each cursor, because the
-- serving snapshot is read-only and holds tables only). An empty list means "no filter on this
-- attribute"; individual = null means individuals and enterprises alike; merchant_ids narrows
-- to given merchants (the profile page).

-- The attribute filters, for any table with the merchant attributes (merchant rows and the
-- aggregate marts of analytics/cubes.py alike).
create or replace temp macro fw_attrs_in(
    district, industry, size_band, software_vendor, is_individual,
    districts, industries, size_bands, vendors, individual
) as
    (len(districts) = 0 or list_contains(districts, district))
    and (len(industries) = 0 or list_contains(industries, industry))
    and (len(size_bands) = 0 or list_contains(size_bands, size_band))
    and (len(vendors) = 0 or list_contains(vendors, software_vendor))
    and (individual is null or is_individual = individual);

create or replace temp macro fw_attr_match(
    merchant_id, district, industry, size_band, software_vendor, is_individual,
    merchant_ids, districts, industries, size_bands, vendors, individual
) as
    (len(merchant_ids) = 0 or list_contains(merchant_ids, merchant_id))
    and fw_attrs_in(
        district, industry, size_band, software_vendor, is_individual,
        districts, industries, size_bands, vendors, individual
    );

-- A row's values of the group keys `names` (period, merchant_id, the attributes or `total`),
-- as text in that order: one `gkey` column serves any grouping, and
-- analytics.delay_frames.unpack turns it back into columns.
create or replace temp macro fw_group_key(
    names, period, merchant_id, district, industry, size_band, software_vendor, is_individual
) as
    list_transform(names, lambda k: case k
        when 'period' then period
        when 'merchant_id' then merchant_id
        when 'district' then district
        when 'industry' then industry
        when 'size_band' then size_band
        when 'software_vendor' then software_vendor
        when 'is_individual' then is_individual::varchar
        when 'total' then 'all'
    end);

-- Merchants in scope, from the registry.
create or replace temp macro fw_merchants(
    merchant_ids, districts, industries, size_bands, vendors, individual
) as table
    select * from merchants
    where fw_attr_match(
        merchant_id, district, industry, size_band, software_vendor, is_individual,
        merchant_ids, districts, industries, size_bands, vendors, individual
    );

-- Merchant-period metric rows in scope: one period type, periods (months 'YYYY-MM' or
-- quarters 'YYYY-Qn') between period_from and period_to inclusive.
create or replace temp macro fw_periods(
    period_type, period_from, period_to,
    merchant_ids, districts, industries, size_bands, vendors, individual
) as table
    select * from merchant_period_metrics
    where merchant_period_metrics.period_type = period_type
        and period between period_from and period_to
        and fw_attr_match(
            merchant_id, district, industry, size_band, software_vendor, is_individual,
            merchant_ids, districts, industries, size_bands, vendors, individual
        );

