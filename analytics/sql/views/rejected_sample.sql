-- The latest rejected rows with their file, row number, reasons and raw values.
with final as (
    select
        r.batch_id, b.file_name, b.sheet, b.kind, r.row_number,
        array_to_string(r.reasons, ', ') as reasons, r.detail, r.raw::varchar as raw
    from rejected_rows as r
    join import_batches as b using (batch_id)
    order by r.batch_id desc, r.row_number
    limit $limit
)

select * from final
