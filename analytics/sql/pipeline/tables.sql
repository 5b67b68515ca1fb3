-- Result tables whose columns are a contract (other stages and the dashboard read them).
-- Tables derived from the metric registry (merchant_period_metrics, rollup_metrics) are created
-- from their queries instead, so adding a metric never needs a DDL edit.

-- Reconciliation facts: one row per issued invoice, per tax record without a merchant-side twin,
-- and per invoice-requesting payment, in one table per subject that holds only the columns that
-- subject fills. The `recon_facts` view (marts/recon_facts.sql) puts them back together with
-- the other subjects' columns as NULL (or the constant each always had): written as one
-- 31-column table, a payment row's 22 empty columns cost more to store than its own nine (10M
-- payment rows: 5.7 s against 2.8 s). Kept narrow on purpose (they are the invoice-sized
-- results): tax records with a twin are derived from their twin's row, descriptive columns
-- (buyer, payment id, quarter) are joined back from the raw tables, and what follows from the
-- stored columns (matched_on, difference) is derived, by the `reconciliation` view.
create table if not exists recon_issued_facts (
    subject_id       varchar not null,   -- invoice_no
    merchant_id      varchar not null,
    period           varchar not null,   -- YYYY-MM of issued_at
    status           varchar not null,
    issued_at        timestamp,
    recorded_at      timestamp,
    deadline_at      timestamp,          -- N working days after issue on the working clock
    delay_workdays   double,
    deadline_workdays integer,           -- N used to judge this row (on time = delay <= N)
    total_issued     decimal(18, 2),     -- 价税合计 issued
    total_recorded   decimal(18, 2),     -- 价税合计 in the tax system
    is_red           boolean,
    is_void          boolean,
    tax_status       varchar,            -- the tax system's 发票状态
    is_recorded      boolean,            -- a tax record exists as of the as-of time
    is_on_time       boolean,
    is_late          boolean,
    is_missing       boolean,
    is_pending       boolean,
    is_mismatch      boolean,
    is_duplicate     boolean,
    duplicate_of     varchar,
    duplicate_basis  varchar,            -- payment_id / buyer_total
    duplicate_of_at  timestamp,          -- when the invoice it duplicates was issued
    -- the twin's seller and issue time, only where they differ from the merchant log's
    tax_seller_id    varchar,
    tax_issued_at    timestamp
);

create table if not exists recon_tax_facts (  -- status missing_in_merchant_log
    subject_id       varchar not null,   -- invoice_no
    merchant_id      varchar not null,   -- the seller 销方识别号
    period           varchar not null,   -- YYYY-MM of issued_at
    status           varchar not null,
    issued_at        timestamp,
    recorded_at      timestamp,
    total_recorded   decimal(18, 2),
    is_red           boolean,
    is_void          boolean,
    tax_status       varchar
);

create table if not exists recon_payment_facts (
    subject_id       varchar not null,   -- payment_id
    merchant_id      varchar not null,
    period           varchar not null,   -- YYYY-MM of paid_at
    status           varchar not null,
    paid_at          timestamp,
    total_issued     decimal(18, 2),     -- the net 价税合计 of the linked invoices (or record)
    amount_paid      decimal(18, 2),
    invoices_linked  integer,            -- blue invoices linked
    red_linked       integer,            -- red invoices netted
    -- with no invoice in the merchant log: the tax record matched on amount and time
    -- (marts/recon_payment_matches.sql), else null
    tax_invoice_no   varchar
);
-- warehouses analysed before version 9 (the views need the column before the full run that
-- version forces recreates the table)
alter table recon_payment_facts add column if not exists tax_invoice_no varchar;

create table if not exists check_violations (
    check_id     varchar not null,
    merchant_id  varchar,
    subject_id   varchar,
    detail       varchar not null,
    period       varchar not null
);

create sequence if not exists analysis_run_seq start 1;

create table if not exists analysis_runs (
    run_id             integer primary key,
    started_at         timestamp not null,
    finished_at        timestamp not null,
    mode               varchar not null,  -- full / incremental / noop
    reason             varchar not null,  -- why this mode
    version            integer not null,  -- pipeline.ANALYSIS_VERSION
    as_of              timestamp,
    deadline_workdays  integer not null,
    new_batches        integer[] not null,
    months             varchar[] not null,
    quarters           varchar[] not null,
    stage_seconds      json not null,
    row_counts         json not null,
    reason_code        varchar,           -- the reason as a code (pipeline._Plan.code)
    calendar           json,              -- {year: digest} of the holiday calendar it used
    as_of_source       varchar            -- entries / data / now / given (reconcile.default_as_of)
);
-- The last three came after the table did, hence the ALTERs for warehouses analysed before them.
alter table analysis_runs add column if not exists reason_code varchar;
alter table analysis_runs add column if not exists calendar json;
alter table analysis_runs add column if not exists as_of_source varchar;

create table if not exists analysis_batches (
    batch_id  integer not null,
    run_id    integer not null
);
