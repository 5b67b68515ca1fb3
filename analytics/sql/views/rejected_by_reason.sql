-- Rejected rows per reason code and kind; a row with two reasons counts under both.
with reasons as (
    select r.batch_id, unnest(r.reasons) as reason
    from rejected_rows as r
),

final as (
    select b.kind, reasons.reason, count(*) as rows
    from reasons
    join import_batches as b using (batch_id)
    group by all
)

select * from final
