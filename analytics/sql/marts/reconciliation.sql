-- The `reconciliation` view: one row per issued invoice, tax record and invoice-requesting
-- payment, with reasons in words. Reasons are computed on read, so the millions of on-time
-- rows cost no storage; recon_exceptions materialises the ones people read.
with texts as (
    select * from recon_rows
),

reasoned as (
    select * exclude (i_txt, r_txt, p_txt, dl_txt, dup_txt, ti_at_txt, d_txt, ti_txt, tr_txt,
            pa_txt, diff_txt, buyer_txt, void_en, void_zh),
        void_en || case status
            when 'entered_on_time' then case when recorded_at is null
                then format('issued {}, in the tax system (recording time unknown)', i_txt)
                else format('issued {}, recorded {}: {} working days <= {}',
                    i_txt, r_txt, d_txt, deadline_workdays) end
            when 'entered_late' then format('issued {}, recorded {}: {} working days > {}',
                i_txt, r_txt, d_txt, deadline_workdays)
            when 'amount_mismatch' then format('价税合计 issued {}, recorded {}: differs by {}',
                ti_txt, tr_txt, diff_txt)
            when 'missing_in_system' then format(
                'issued {}, not in the tax system by the deadline {}', i_txt, dl_txt)
            when 'pending_entry' then case when deadline_at is null
                then format('issued {}, not yet in the tax system; its deadline falls in a year '
                    || 'with no holiday table yet', i_txt)
                else format('issued {}, not yet in the tax system; deadline {}',
                    i_txt, dl_txt) end
            when 'duplicate' then case duplicate_basis
                when 'payment_id' then format('second invoice for payment {}: duplicate of {} issued {}',
                    payment_id, duplicate_of, dup_txt)
                else format('same buyer{} and 价税合计 {} as {} issued {}, within 10 minutes',
                    buyer_txt, ti_txt, duplicate_of, dup_txt) end
            when 'missing_in_merchant_log' then format(
                'in the tax system (issued {}, recorded {}) but not in the merchant''s invoicing log',
                i_txt, r_txt) || case when payment_id is null then '' else format(
                    '; the invoice of payment {} (paid {}, same 价税合计)', payment_id, p_txt) end
            when 'invoiced' then case when tax_invoice_no is null
                then format('paid {} on {}; invoiced {} net ({} invoices, {} red)',
                    pa_txt, p_txt, ti_txt, invoices_linked, red_linked)
                else format('paid {} on {}; no invoice in the merchant''s invoicing log, but the '
                    || 'tax system has {} for the same 价税合计, issued {}',
                    pa_txt, p_txt, tax_invoice_no, ti_at_txt) end
            when 'under_invoiced' then format('paid {} on {}; invoiced {} net: {} short',
                pa_txt, p_txt, ti_txt, diff_txt)
            when 'not_invoiced' then format('paid {} on {}, invoice requested, no invoice issued',
                pa_txt, p_txt)
        end as reason_en,
        void_zh || case status
            when 'entered_on_time' then case when recorded_at is null
                then format('开票 {}，税务系统已有记录（入库时间未知）', i_txt)
                else format('开票 {}，入库 {}：{} 个工作日，未超过 {} 个工作日',
                    i_txt, r_txt, d_txt, deadline_workdays) end
            when 'entered_late' then format('开票 {}，入库 {}：{} 个工作日，超过 {} 个工作日',
                i_txt, r_txt, d_txt, deadline_workdays)
            when 'amount_mismatch' then format('价税合计 开具 {}，税务系统 {}，相差 {}',
                ti_txt, tr_txt, diff_txt)
            when 'missing_in_system' then format('开票 {}，截至入库期限 {} 仍未入库', i_txt, dl_txt)
            when 'pending_entry' then case when deadline_at is null
                then format('开票 {}，尚未入库；入库期限所在年份尚无节假日表', i_txt)
                else format('开票 {}，尚未入库；入库期限 {}', i_txt, dl_txt) end
            when 'duplicate' then case duplicate_basis
                when 'payment_id' then format('同一笔付款 {} 的第二张发票，与 {}（开票 {}）重复',
                    payment_id, duplicate_of, dup_txt)
                else format('与 {}（开票 {}）购买方{}、价税合计 {} 相同，间隔不超过 10 分钟',
                    duplicate_of, dup_txt, buyer_txt, ti_txt) end
            when 'missing_in_merchant_log' then format(
                '税务系统有记录（开票 {}，入库 {}），商户开票记录中没有', i_txt, r_txt)
                || case when payment_id is null then '' else format(
                    '；对应付款 {}（{} 付款，金额相同）', payment_id, p_txt) end
            when 'invoiced' then case when tax_invoice_no is null
                then format('{} 付款 {}；开票净额 {}（{} 张，红冲 {} 张）',
                    p_txt, pa_txt, ti_txt, invoices_linked, red_linked)
                else format('{} 付款 {}；商户开票记录中没有，税务系统有同额发票 {}（开票 {}）',
                    p_txt, pa_txt, tax_invoice_no, ti_at_txt) end
            when 'under_invoiced' then format('{} 付款 {}；开票净额 {}，少开 {}',
                p_txt, pa_txt, ti_txt, diff_txt)
            when 'not_invoiced' then format('{} 付款 {}，已申请开票，未开具发票', p_txt, pa_txt)
        end as reason_zh
    from texts
),

final as (
    select subject, subject_id, merchant_id, period, quarter, status, matched_on, reason_en,
        reason_zh, issued_at, recorded_at, deadline_at, paid_at, delay_workdays,
        total_issued, total_recorded, amount_paid, difference, is_red, is_void, buyer_name,
        payment_id, tax_status, duplicate_of, duplicate_of_at,
        * exclude (subject, subject_id, merchant_id, period, quarter, status, matched_on,
            reason_en, reason_zh, issued_at, recorded_at, deadline_at, paid_at, delay_workdays,
            total_issued, total_recorded, amount_paid, difference, is_red, is_void, buyer_name,
            payment_id, tax_status, duplicate_of, duplicate_of_at)
    from reasoned
)

select * from final
