-- Alerts are state, not derived data (analytics/alerts.py): people acknowledge and resolve
-- them, so no analysis run drops, recreates or resets these tables; `analyse` only inserts new
-- alerts and extends open ones.
create sequence if not exists alert_id_seq start 1;

create table if not exists alerts (
    alert_id          bigint not null,   -- from alert_id_seq; unique (kept by analytics.alerts)
    rule              varchar not null,   -- id in data/reference/alert_rules.toml
    merchant_id       varchar not null,
    period            varchar not null,   -- YYYY-MM the condition was first seen
    last_seen_period  varchar not null,   -- YYYY-MM it was last seen (open alerts are extended)
    severity          varchar not null,   -- high / medium / low
    metric            varchar not null,
    value             double,             -- the metric in last_seen_period
    previous_value    double,             -- ... and in the month before it
    threshold         double,             -- the bound the value crossed (level or relative)
    floor_value       double,             -- the volume that cleared the floor (null: no floor)
    message_zh        varchar not null,
    message_en        varchar not null,
    merchant_name     varchar,
    district          varchar,
    industry          varchar,
    status            varchar not null,   -- new / acknowledged / resolved
    created_at        timestamp not null, -- Beijing time, naive
    updated_at        timestamp not null,
    acknowledged_by   varchar,
    acknowledged_at   timestamp,
    resolved_by       varchar,
    resolved_at       timestamp,
    note              varchar             -- the latest note a person wrote
);

-- History: one row per creation, repeat sighting, acknowledgement and resolution, in the
-- order they happened (event_id; event_at may be given by the caller).
create sequence if not exists alert_event_seq start 1;

create table if not exists alert_events (
    event_id  bigint not null default nextval('alert_event_seq'),
    alert_id  bigint not null,
    event_at  timestamp not null,        -- Beijing time, naive
    event_by  varchar not null,          -- a person, or 'system' for analyse
    action    varchar not null,          -- created / seen_again / acknowledged / resolved
    note      varchar
);
