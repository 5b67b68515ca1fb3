-- The complaint classifier's latest run: held-out macro-F1 and per-class F1.
with final as (
    select run_at, status, message, model, n_train, n_test, n_unlabelled, macro_f1, per_class_f1
    from classifier_reports
    order by run_at desc
    limit 1
)

select * from final
