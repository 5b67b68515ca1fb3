-- One row per imported file or sheet, newest first.
with final as (
    select
        batch_id, file_name, sheet, kind, format, encoding,
        rows_read, rows_loaded, rows_unchanged, rows_updated, rows_rejected, rows_summary,
        started_at, finished_at,
        date_diff('millisecond', started_at, finished_at) / 1000.0 as seconds
    from import_batches
)

select * from final
