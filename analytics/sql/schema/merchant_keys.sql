-- Integer keys of (merchant, name, attributes) as the month rows of merchant_period_metrics hold
-- them, for merchant_entry (analytics/cubes.py): grouping 730,000 merchant-months by an
-- integer takes a fraction of the time grouping by seven strings does. Keys are only added
-- between full analyses, so the rows of months an incremental run leaves alone keep theirs.
create table if not exists merchant_keys (
    entry_key        integer not null,
    merchant_id      varchar,
    merchant_name    varchar,
    district         varchar,
    industry         varchar,
    size_band        varchar,
    software_vendor  varchar,
    is_individual    boolean
);
