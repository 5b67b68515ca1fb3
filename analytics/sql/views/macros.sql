-- Scope macros for the read-side views (created as temp macros on each cursor, because the
-- serving snapshot is read-only and holds tables only). An empty list means "no filter on this
-- attribute"; individual = null means individuals and enterprises alike; merchant_ids narrows
-- to given merchants (the profile page).
create or replace temp macro fw_attr_match(
    merchant_id, district, industry, size_band, software_vendor, is_individual,
    merchant_ids, districts, industries, size_bands, vendors, individual
) as
    (len(merchant_ids) = 0 or list_contains(merchant_ids, merchant_id))
    and (len(districts) = 0 or list_contains(districts, district))
    and (len(industries) = 0 or list_contains(industries, industry))
    and (len(size_bands) = 0 or list_contains(size_bands, size_band))
    and (len(vendors) = 0 or list_contains(vendors, software_vendor))
    and (individual is null or is_individual = individual);

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
