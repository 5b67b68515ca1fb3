-- Result tables whose columns are a contract (other stages and the dashboard read them).
-- Tables derived from the metric registry (merchant_period_metrics, rollup_metrics) are created
-- from their queries instead, so adding a metric never needs a DDL edit.

-- One row per issued invoice, per tax record without a merchant-side twin, and per
-- invoice-requesting payment. Kept narrow on purpose (it is the one invoice-sized result):
-- tax records with a twin are derived from their twin's row, and descriptive columns (buyer,
-- payment id, quarter) are joined back from the raw tables, and what follows from the stored
-- columns (matched_on, difference) is derived, by the `reconciliation` view.
create table if not exists recon_facts (
    subject          varchar not null,   -- issued / tax_record / payment
    subject_id       varchar not null,   -- invoice_no or payment_id
    merchant_id      varchar not null,
    period           varchar not null,   -- YYYY-MM of issued_at (invoices) or paid_at (payments)
    status           varchar not null,
    issued_at        timestamp,
    recorded_at      timestamp,
    deadline_at      timestamp,          -- end of the N-th working day after the issue date
    paid_at          timestamp,
    delay_workdays   double,
    deadline_workdays integer,           -- N used to judge this row (on time = delay <= N)
    total_issued     decimal(18, 2),     -- 价税合计 issued; for payments the net invoiced total
    total_recorded   decimal(18, 2),     -- 价税合计 in the tax system
    amount_paid      decimal(18, 2),
    is_red           boolean,
    is_void          boolean,
    tax_status       varchar,            -- the tax system's 发票状态
    is_recorded      boolean,            -- issued: a tax record exists as of the as-of time
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
    tax_issued_at    timestamp,
    invoices_linked  integer,            -- payments: blue invoices linked
    red_linked       integer             -- payments: red invoices netted
);

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
    row_counts         json not null
);

create table if not exists analysis_batches (
    batch_id  integer not null,
    run_id    integer not null
);
