-- Bookkeeping of every load.
-- rows_read = rows_loaded + rows_unchanged + rows_updated + rows_rejected + rows_summary.
create sequence if not exists import_batch_seq start 1;

create table if not exists import_batches (
    batch_id        integer primary key,
    file_name       varchar not null,   -- base name as given
    file_path       varchar not null,   -- absolute path at import time
    sha256          varchar not null,   -- of the file's bytes; with `sheet`, what makes a re-import a no-op
    sheet           varchar,            -- XLSX sheet name; null for other formats
    kind            varchar not null,   -- merchants / payments / issued_invoices / tax_records / tax_record_lines / complaints / planted_labels
    format          varchar not null,   -- csv / xlsx / json / jsonl / parquet
    encoding        varchar,            -- utf-8 / utf-8-sig / gb18030 (CSV only)
    header_map      json not null,      -- {source header: canonical column}
    rows_read       bigint not null,
    rows_loaded     bigint not null,
    rows_unchanged  bigint not null,    -- identical to a row already loaded (overlapping exports)
    rows_rejected   bigint not null,    -- quarantined in rejected_rows, with reasons
    rows_summary    bigint not null,    -- totals rows (序号 = 合计行) and similar non-records
    started_at      timestamp not null,
    finished_at     timestamp not null
);

-- Tax records whose 发票状态 / 发票风险等级 a later export moved on (analytics/ingest/load.py);
-- added after the first release, hence the ALTER for warehouses built before it.
alter table import_batches add column if not exists rows_updated bigint default 0;

-- Every lifecycle change a later tax export brought to a loaded record (analytics/ingest/load.py,
-- fate `updated`): the values before and after, the batch and row that brought them, and the
-- batch and row the record was loaded from.
create table if not exists tax_status_history (
    invoice_no           varchar not null,
    old_status           varchar,
    new_status           varchar,
    old_risk_level       varchar,
    new_risk_level       varchar,
    batch_id             integer not null,  -- the export that brought the change
    source_row           bigint not null,
    loaded_batch_id      integer not null,  -- where the record was first loaded
    loaded_source_row    bigint not null
);

create table if not exists rejected_rows (
    batch_id     integer not null,
    row_number   bigint not null,   -- 1-based data row in the file or sheet (header excluded)
    raw          json not null,     -- the row as read: {source header: text}
    reasons      varchar[] not null,-- reason codes (data/reference/reason_codes.csv)
    detail       varchar not null   -- the same in words, naming field and value
);

-- Files a tolerant pass (`fapiao-watch ingest`) could not read at all: empty, not the format their
-- name says, headers of no known kind ... They load nothing, so they have no batch; a row here
-- per file path, content and sheet, counting the passes that tried it, so officials see what
-- is stuck. views/import_failures.sql leaves out files loaded since (same bytes, or the same path
-- after the failure).
create table if not exists import_failures (
    file_name        varchar not null,
    file_path        varchar not null,   -- absolute path
    sha256           varchar,            -- of the bytes; null when they could not be read
    sheet            varchar,            -- the XLSX sheet that failed; null: the whole file
    reason           varchar not null,   -- the loader's one line, naming the file
    first_failed_at  timestamp not null, -- Beijing time
    last_failed_at   timestamp not null,
    attempts         integer not null,
    reason_code      varchar             -- which kind of reason (data/reference/failure_codes.csv)
);
-- reason_code came after the table did, hence the ALTER for warehouses built before it.
alter table import_failures add column if not exists reason_code varchar;

-- Runs of `analyse` that failed: rolled back, so the results of the last good run stay, and the
-- batches imported since wait. Kept (and published) so the dashboard can say its figures are
-- stale and why, instead of a cron log nobody reads (views/analysis_failing_since.sql).
-- Created here, not with the analysis tables, so that even a first analysis that fails is kept.
create table if not exists analysis_failures (
    failed_at     timestamp not null,  -- Beijing time
    reason_code   varchar not null,    -- holiday_calendar (a year with no holiday table) / error
    reason        varchar not null,    -- the error's message
    missing_year  integer,             -- holiday_calendar: the year to add a table for
    after_run_id  integer              -- the last successful run's run_id when it failed (0: none)
);
-- after_run_id came after the table did: failures are told apart from the last success by run
-- id, not by timestamps stamped to the second (a failure in the same second as that success's
-- end was not counted). Rows from before it are null and compared by time.
alter table analysis_failures add column if not exists after_run_id integer;

-- Reminders (催报) an official recorded for a merchant's invoices pending entry: state written
-- by people (analytics.reminders), never by analyse, so no analysis run drops or rewrites it.
-- invoice_nos are the merchant's pending invoices the reminder covered, so that the pending
-- list can tell invoices already reminded about from ones that became pending since.
create sequence if not exists reminder_seq start 1;
create table if not exists reminders (
    reminder_id  bigint not null default nextval('reminder_seq'),
    merchant_id  varchar not null,
    reminded_at  timestamp not null,   -- Beijing time, when it was recorded
    reminded_by  varchar not null,     -- who reminded (free text, like alert actions)
    channel      varchar not null,     -- analytics.reminders.CHANNELS
    note         varchar,
    as_of        timestamp,            -- the as-of time of the pending list it acted on
    invoice_nos  varchar[] not null    -- the merchant's pending invoices it covered
);

-- Compactions of the warehouse: checkpoints with DuckDB's vacuum, which warehouse connections
-- otherwise run without (analytics/compaction.py). One row each, with the rows deleted but
-- still stored before it and after it (the vacuum cannot reclaim every one).
create table if not exists warehouse_compactions (
    compacted_at   timestamp not null,
    dead_before    bigint not null,
    stored_before  bigint not null,   -- rows stored in the tables that held deleted rows
    dead_after     bigint
);

-- What DuckDB's hash() gave for a fixed text when the raw tables' key_hash columns were
-- computed: a DuckDB whose hash differs recomputes them (analytics.warehouse.ensure_schema).
create table if not exists key_hash_seed (
    seed           ubigint not null
);
