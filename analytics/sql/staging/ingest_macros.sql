-- Cell parsers shared by the ingestion staging models (temporary macros, one connection).
-- Each mirrors a scalar function in analytics/validation.py, and tests/test_validation.py checks
-- that the two agree. Rule constants (empty markers, date layouts, yes/no words) are passed in as
-- arguments, bound from validation.py, so that module stays their single source.

-- validation.clean_text (fw_txt): trimmed text, with '', 'null', '--' ... turned into null. Written
-- for speed (this runs on every cell): trim only when an end character is whitespace, and compare
-- with the markers only when the text is as short as the longest marker ($empty_len bytes).
-- The end characters are tested as code points (wsc = the code points of ws): ord() reads the
-- first one without building a string, 40% less time per cell than contains(ws, s[1]).
create or replace temp macro fw_trim(s, ws, wsc) as
    case
        when list_contains(wsc, ord(s)) or list_contains(wsc, ord(s[-1])) then trim(s, ws)
        else s
    end;

-- The markers test, on text fw_trim gave. The ingest queries trim each cell in one step and test
-- it in the next (analytics.ingest.parse.field_text): in fw_txt, one expression, the trim is
-- computed for each of its three uses (~15% more time).
create or replace temp macro fw_unmark(t, empty, empty_len) as
    case when strlen(t) <= empty_len and list_contains(empty, lower(t)) then null else t end;

create or replace temp macro fw_txt(s, ws, wsc, empty, empty_len) as
    fw_unmark(fw_trim(s, ws, wsc), empty, empty_len);

-- validation.parse_datetime: the first layout that fits, else an Excel serial day number.
create or replace temp macro fw_ts_serial(s) as
    case
        when regexp_full_match(s, '[1-9][0-9]{4}(\.[0-9]+)?')
            then make_timestamp(
                (round((s::double - 25569) * 86400) * 1000000)::bigint
            )
    end;

create or replace temp macro fw_ts(s, formats) as
    coalesce(try_strptime(s, formats), fw_ts_serial(s));

-- One run of consecutive layouts of the list above, tried only on text holding `guard`, a
-- literal character every layout of the run has (so text without it cannot fit any of them).
-- A layout that does not fit costs ~0.5 us per cell, and most vendors' layout is not the first
-- of the list; analytics.ingest.parse chains the runs in list order, then fw_ts_serial, which
-- gives fw_ts's value for every text. guard '' (layouts of digits only): always tried.
create or replace temp macro fw_ts_run(s, formats, guard) as
    case when contains(s, guard) then try_strptime(s, formats) end;

-- validation.parse_amount: thousands separators and currency signs dropped; '***' (the tax on
-- an exempt line) is zero; rounded half away from zero. A plain number casts as it is: trying
-- the cast first skips regexp_replace for almost every cell (when the plain cast succeeds it
-- gives what the cast of the stripped text gives; tests/test_parse_fast_paths.py checks this).
create or replace temp macro fw_amount(s) as
    case
        when s = '***' then 0::decimal(18, 2)
        else coalesce(
            try_cast(s as decimal(18, 2)),
            try_cast(regexp_replace(s, '[,¥￥ ]', '', 'g') as decimal(18, 2))
        )
    end;

create or replace temp macro fw_qty(s) as
    case
        when s = '***' then 0::decimal(38, 10)
        else coalesce(
            try_cast(s as decimal(38, 10)),
            try_cast(regexp_replace(s, '[,¥￥ ]', '', 'g') as decimal(38, 10))
        )
    end;

-- validation.parse_bool
create or replace temp macro fw_bool(s, yes, no) as
    case
        when list_contains(yes, lower(s)) then true
        when list_contains(no, lower(s)) then false
    end;

-- validation.canonical_invoice_no, after an explicit invoice_no column.
create or replace temp macro fw_invoice_key(invoice_no, digital, code, number) as
    coalesce(
        invoice_no,
        digital,
        case when code is null and regexp_full_match(number, '[0-9]{20}') then number end,
        case when code is not null and number is not null then code || '-' || number end
    );

-- validation.invoice_no_problems, as {code, detail} structs.
create or replace temp macro fw_invoice_no_problems(no, issued_at, beijing) as
    list_filter(
        [
            case
                when no is not null
                    and not regexp_full_match(no, '[0-9]{20}|([0-9]{10}|[0-9]{12})-[0-9]{8}')
                    then {'code': 'invalid_invoice_no',
                          'detail': '发票号码 ' || no || ' is neither 20 digits nor 发票代码-发票号码'}
            end,
            case
                when regexp_full_match(no, '[0-9]{20}')
                    and substr(no, 1, 2) <> strftime(issued_at, '%y')
                    then {'code': 'invoice_year_mismatch',
                          'detail': '发票号码 ' || no || ' starts ' || substr(no, 1, 2)
                              || ' but 开票日期 is in ' || strftime(issued_at, '%Y')}
            end,
            case
                when regexp_full_match(no, '[0-9]{20}') and substr(no, 3, 2) <> beijing
                    then {'code': 'invoice_not_beijing',
                          'detail': '发票号码 ' || no || ' has province code ' || substr(no, 3, 2)
                              || ', not ' || beijing || ' (Beijing)'}
            end
        ],
        lambda p: p is not null
    );

-- validation.original_invoice_from_remark: the blue invoice a red one names in its 备注.
create or replace temp macro fw_original_from_remark(remark, digital_re, legacy_re) as
    coalesce(
        nullif(regexp_extract(remark, digital_re, 1), ''),
        case
            when regexp_matches(remark, legacy_re)
                then regexp_extract(remark, legacy_re, 1) || '-' || regexp_extract(remark, legacy_re, 2)
        end
    );
