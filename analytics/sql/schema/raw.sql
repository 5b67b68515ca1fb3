-- Raw tables: one per input kind, canonical snake_case columns (see ../shared/DESIGN.md).
-- Uniqueness of the keys is enforced by the loader with set-based anti-joins rather than
-- PRIMARY KEY constraints: an ART index on 10M invoice numbers costs more to maintain than it saves.
-- Every row carries the batch that loaded it and its row number in the source file. Invoice
-- numbers (issued invoices, tax records) also carry their DuckDB hash, ``key_hash``: they do not
-- cluster by month as payment ids do, so a new file's keys are looked up among every loaded
-- one, and a 64-bit column is far cheaper to scan and join than the text
-- (analytics.warehouse.KEY_HASH_TABLES, analytics/ingest/load.py).
-- Timestamps are Beijing local time (Asia/Shanghai), stored naive.
-- Text is stored clean: trimmed (validation.WHITESPACE, full-width space included) and with
-- empty markers ('', 'null', '--', ...) as NULL (analytics.ingest.parse.field_text); staging
-- views rely on it rather than re-trimming 10M values on every read.

create table if not exists merchants (
    merchant_id      varchar not null,  -- 统一社会信用代码 (USCC, 18) or a legacy 15/20-char taxpayer id
    name             varchar not null,  -- 商户名称 as given
    name_norm        varchar not null,  -- brackets/width/suffix-normalised name, for matching complaints
    district         varchar,           -- one of the 16 Beijing districts (Chinese name, e.g. 朝阳区)
    industry         varchar,           -- industry code from data/reference/industries.csv
    size_band        varchar,           -- micro / small / medium / large
    is_individual    boolean not null,  -- 个体工商户 (USCC position 2 = '2')
    id_format        varchar not null,  -- uscc / legacy15 / legacy20
    software_vendor  varchar,           -- invoicing software vendor code
    registered_on    date,
    batch_id         integer not null,
    source_row       bigint not null
);

create table if not exists payments (
    payment_id         varchar not null,
    merchant_id        varchar not null,
    paid_at            timestamp not null,
    amount_paid        decimal(18, 2) not null,
    invoice_requested  boolean not null,
    buyer_type         varchar,          -- individual / enterprise
    pay_channel        varchar,          -- pos / wechat / alipay / platform / cash ...
    batch_id           integer not null,
    source_row         bigint not null
);

create table if not exists issued_invoices (
    invoice_no           varchar not null,  -- 20-digit 数电票号码, or 发票代码-发票号码 (10/12 + 8 digits)
    merchant_id          varchar not null,  -- seller 销方识别号
    payment_id           varchar,
    issued_at            timestamp not null,  -- 开票日期 (with time when the vendor exports it)
    amount               decimal(18, 2) not null,  -- 金额 (net of tax); negative on red invoices
    tax_amount           decimal(18, 2) not null,  -- 税额
    total_amount         decimal(18, 2) not null,  -- 价税合计
    tax_rate             decimal(6, 4),            -- 0.13 etc.; 0 for 免税 / 不征税
    tax_category         varchar not null,         -- taxable / exempt (免税) / non_taxable (不征税)
    invoice_type         varchar,                  -- 票种, e.g. 数电票（普通发票）
    is_red               boolean not null,         -- 红字发票
    is_void              boolean not null,         -- 作废 (voided before delivery; not expected in the tax system as valid)
    original_invoice_no  varchar,                  -- the blue invoice a red one reverses
    software_vendor      varchar,
    buyer_name           varchar,
    buyer_tax_id         varchar,
    remark               varchar,
    batch_id             integer not null,
    source_row           bigint not null,
    key_hash             ubigint not null   -- hash(invoice_no): the loader's probe for loaded keys
);

create table if not exists tax_records (
    invoice_no           varchar not null,
    seller_tax_id        varchar not null,  -- 销方识别号
    seller_name          varchar,
    buyer_tax_id         varchar,           -- 购方识别号
    buyer_name           varchar,
    issued_at            timestamp not null,
    recorded_at          timestamp,         -- when it reached the tax system (入库时间)
    recorded_at_source   varchar not null,  -- file (a column gave it) / first_seen (the batch's import time)
    amount               decimal(18, 2) not null,
    tax_amount           decimal(18, 2) not null,
    total_amount         decimal(18, 2) not null,
    tax_rate             decimal(6, 4),
    invoice_type         varchar,           -- 发票票种
    status               varchar,           -- 发票状态: 正常 / 已红冲-全额 / 已红冲-部分 / 已作废 ...
    is_red               boolean not null,  -- 是否正数发票 = 否
    original_invoice_no  varchar,           -- parsed from 备注 (被红冲蓝字数电发票号码：...) when present
    source               varchar,           -- 发票来源
    risk_level           varchar,           -- 发票风险等级
    issuer               varchar,           -- 开票人
    remark               varchar,           -- 备注
    batch_id             integer not null,
    source_row           bigint not null,
    key_hash             ubigint not null   -- hash(invoice_no): the loader's probe for loaded keys
);

-- 信息汇总表 line items of the 电子税务局 export (several per invoice)
create table if not exists tax_record_lines (
    invoice_no     varchar not null,
    line_no        integer not null,
    tax_code       varchar,         -- 税收分类编码
    business_type  varchar,         -- 特定业务类型
    item_name      varchar,         -- 货物或应税劳务名称
    spec           varchar,         -- 规格型号
    unit           varchar,         -- 单位
    quantity       decimal(38, 10), -- 数量 (exports carry long decimals as text)
    unit_price     decimal(38, 10), -- 单价
    amount         decimal(18, 2),
    tax_rate       decimal(6, 4),
    tax_amount     decimal(18, 2),
    batch_id       integer not null,
    source_row     bigint not null
);

create table if not exists complaints (
    complaint_id   varchar not null,
    received_at    timestamp not null,
    merchant_id    varchar,          -- nullable: many complaints only name the shop
    merchant_name  varchar,
    invoice_no     varchar,
    category       varchar,          -- not_found / paper_electronic_mismatch / amount_short / not_timely / service_attitude / other; null = unlabelled
    channel        varchar,          -- 12366 / 12345 / online / wechat / onsite ...
    district       varchar,
    text           varchar not null, -- complaint text in Chinese
    status         varchar,          -- open / in_progress / resolved / closed
    resolved_at    timestamp,
    batch_id       integer not null,
    source_row     bigint not null
);

-- Ground truth planted by the synthetic generator (never present in real data)
create table if not exists planted_labels (
    merchant_id  varchar not null,
    period       varchar not null,  -- YYYY-MM
    cause        varchar not null,  -- chronic_late_entry / silent_drop / under_invoicing / vendor_export_broken / volume_spike / duplicate_submission / excess_red_reversal
    batch_id     integer not null,
    source_row   bigint not null
);
