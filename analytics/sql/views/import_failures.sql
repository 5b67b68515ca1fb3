-- Files (or XLSX sheets) that could not be read and have not been loaded since, with the
-- latest attempt: loaded since = a batch of the same bytes (say, with --kind, or after a header
-- alias was added), or of the same path that started after the last failure (the export was
-- replaced); for a failed sheet, a batch of that sheet.
with still_failing as (
    select f.*
    from import_failures as f
    where not exists (
        select 1
        from import_batches as b
        where (f.sheet is null or b.sheet is not distinct from f.sheet)
            and (
                b.sha256 = f.sha256
                or (b.file_path = f.file_path and b.started_at >= f.last_failed_at)
            )
    )
),

-- every column but the hash: a snapshot published before reason_code existed lacks it, and
-- analytics.imports.import_failures adds it empty then
final as (
    select * exclude (sha256) from still_failing
)

select * from final
