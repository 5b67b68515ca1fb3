"""The complaint text classifier: held-out quality, determinism, the stage, the skip path."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

import pytest

from analytics import warehouse
from analytics.classifier import (
    MIN_LABELLED,
    InsufficientLabelsError,
    compare_classifiers,
    evaluate_classifier,
    prepare_text,
    train_classifier,
)
from analytics.complaints import build_complaint_tables, complaints_stage

# Hand-written templates, a few per category, worded differently from the generator's.
TEMPLATES = {
    "not_found": [
        "{shop}给我开的电子发票，我在税务局网站上怎么也搜不到这张票",
        "拿到{shop}的发票已经好几天了，查验平台一直显示没有这张发票",
        "{date}{shop}开的票号码查询无结果，报销被财务退回，系统里找不到",
        "发票APP里查无此票，{shop}说早就上传了，但至今查询不到记录",
    ],
    "paper_electronic_mismatch": [
        "{shop}给的纸质票和网上查到的电子票内容对不上，金额不一样",
        "打印出来的发票和电子底账信息不符，{shop}的纸质联名称写错了",
        "{date}在{shop}拿到的纸质发票与电子版日期不同，纸电信息不一致",
        "{shop}纸票上的税额和电子发票里的税额不一致，怀疑被改过",
    ],
    "amount_short": [
        "{date}在{shop}付了{amount}元，发票却只开了一半金额",
        "{shop}开票金额比我实际付的{amount}元少很多，少开发票",
        "充值{amount}元，{shop}只肯按打折后的小金额开票，差额不给开",
        "{shop}发票金额低于付款，付{amount}元发票少了几百块",
    ],
    "not_timely": [
        "{date}在{shop}消费后申请开票，过了两周还没收到发票",
        "{shop}一直拖着不开票，说月底统一开，到现在也没给",
        "要发票要了一个多月，{shop}迟迟不开具，一再推脱说下周",
        "{shop}答应三天内寄发票，已经过去很久仍未收到",
    ],
    "service_attitude": [
        "{shop}店员态度恶劣，我要发票他们就骂人",
        "在{shop}索要发票，收银员翻白眼不理人，服务态度很差",
        "{shop}工作人员说要发票就要加钱，态度蛮横无理",
        "{date}在{shop}提出开票，经理大声呵斥顾客，拒绝沟通",
    ],
    "other": [
        "{shop}的发票抬头能不能改成公司名称，想咨询一下流程",
        "请问{shop}开的发票丢了可以补开吗",
        "{shop}开了两张一样的发票，不知道该怎么处理重复的那张",
        "想了解{shop}开具的发票能否用于个税专项附加扣除",
    ],
}
SHOPS = ("北京市朝阳区青禾餐饮有限公司", "海淀区四季便利店", "东城区老街烤鸭（王府井店）",
         "丰台区如意超市", "北京星河健身有限公司", "通州区福满楼饭庄")  # fmt: skip
OPENERS = ("", "您好，", "市民反映：", "投诉人称：")
CLOSERS = ("", "请尽快处理。", "希望给个说法。", "谢谢！")


def synthetic(per_class: int, seed: int) -> tuple[list[str], list[str]]:
    """``per_class`` texts per category from the templates, with shops, dates and amounts."""
    rng = random.Random(seed)
    texts, labels = [], []
    for category, templates in TEMPLATES.items():
        for i in range(per_class):
            day = datetime(2026, 1, 1) + timedelta(days=rng.randrange(300))
            body = templates[i % len(templates)].format(
                shop=rng.choice(SHOPS),
                date=f"{day.month}月{day.day}日",
                amount=rng.randrange(20, 5000),
            )
            texts.append(rng.choice(OPENERS) + body + rng.choice(CLOSERS))
            labels.append(category)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]


def test_prepare_text_folds_digits_and_width() -> None:
    assert prepare_text("发票号码２６１１２０００ 金额 120.50元") == "发票号码0 金额 0.0元"


def test_held_out_macro_f1_is_high_on_separable_templates() -> None:
    texts, labels = synthetic(30, seed=1)
    report = evaluate_classifier(texts, labels, seed=0)
    assert (report.n_train, report.n_test) == (135, 45)
    assert report.macro_f1 >= 0.85
    assert set(report.per_class_f1) == set(TEMPLATES)
    assert sum(report.support.values()) == 45
    # the confusion matrix accounts for every held-out text, diagonal = correct
    assert sum(map(sum, report.confusion)) == 45
    correct = sum(report.confusion[i][i] for i in range(len(report.labels)))
    assert correct >= 0.85 * 45
    as_json = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert as_json["class_counts"] == dict.fromkeys(sorted(TEMPLATES), 30)


def test_many_labels_are_sampled_down_stratified() -> None:
    texts, labels = synthetic(30, seed=1)
    report = evaluate_classifier(texts, labels, seed=0, max_samples=60)
    assert (report.n_train, report.n_test) == (45, 15)
    assert report.class_counts == dict.fromkeys(sorted(TEMPLATES), 30)  # all labels counted
    # stratified: every category keeps 60 / 6 = 10 texts, so the 15 held out cover all six
    assert sum(report.support.values()) == 15
    assert all(n >= 2 for n in report.support.values())
    model = train_classifier(texts, labels, seed=0, max_samples=60)
    assert model.classes == tuple(sorted(TEMPLATES))


def test_both_candidate_models_are_scored() -> None:
    texts, labels = synthetic(30, seed=2)
    scores = compare_classifiers(texts, labels, seed=0)
    assert set(scores) == {"logreg", "linear_svc"}
    assert all(0.8 <= s <= 1.0 for s in scores.values())


def test_same_seed_same_model() -> None:
    texts, labels = synthetic(20, seed=3)
    assert evaluate_classifier(texts, labels, seed=7) == evaluate_classifier(texts, labels, seed=7)
    probe, _ = synthetic(5, seed=4)
    a = train_classifier(texts, labels, seed=7).predict_with_confidence(probe)
    b = train_classifier(texts, labels, seed=7).predict_with_confidence(probe)
    assert a == b


def test_predicts_unseen_texts_of_each_category() -> None:
    texts, labels = synthetic(20, seed=5)
    model = train_classifier(texts, labels, seed=0)
    probe, truth = synthetic(4, seed=99)  # new shops, dates and amounts
    predicted, confidence = model.predict_with_confidence(probe)
    accuracy = sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth)
    assert accuracy >= 0.85
    assert all(0.0 < c <= 1.0 for c in confidence)
    assert model.classes == tuple(sorted(TEMPLATES))


def test_too_few_labels_raise_a_clear_error() -> None:
    texts, labels = synthetic(3, seed=6)  # 18 < MIN_LABELLED
    with pytest.raises(InsufficientLabelsError, match=f"at least {MIN_LABELLED}"):
        train_classifier(texts, labels)
    texts, labels = synthetic(8, seed=6)
    labels[labels.index("other") + 0] = "lonely"  # a class with one example
    with pytest.raises(InsufficientLabelsError, match="lonely has fewer than 2"):
        evaluate_classifier(texts, labels)
    with pytest.raises(ValueError, match="3 texts but 2 labels"):
        train_classifier(["a", "b", "c"], ["x", "y"])


def _warehouse(n_labelled_per_class: int, n_unlabelled_per_class: int):  # type: ignore[no-untyped-def]
    con = warehouse.connect(":memory:")
    texts, labels = synthetic(n_labelled_per_class, seed=10)
    probe, truth = synthetic(n_unlabelled_per_class, seed=11)
    rows = [(t, c) for t, c in zip(texts, labels, strict=True)]
    rows += [(t, None) for t in probe]
    for i, (text, category) in enumerate(rows):
        con.execute(
            "insert into complaints (complaint_id, received_at, category, text, channel, "
            "status, batch_id, source_row) values ($id, $at, $cat, $text, '12366', 'open', 1, $i)",
            {"id": f"C{i:04d}", "at": datetime(2026, 3, 1) + timedelta(hours=i), "cat": category,
             "text": text, "i": i},
        ).fetchall()  # fmt: skip
    return con, truth


def test_stage_classifies_unlabelled_complaints_and_keeps_the_report() -> None:
    con, truth = _warehouse(15, 3)
    build_complaint_tables(con, seed=0, run_at=datetime(2026, 4, 1, 8, 0))
    links = con.sql(
        "select complaint_id, category, category_source, category_confidence "
        "from complaint_links order by complaint_id"
    ).fetchall()
    labelled, model = links[:90], links[90:]
    assert {r[2] for r in labelled} == {"label"}
    assert all(r[3] is None for r in labelled)
    assert {r[2] for r in model} == {"model"}
    assert all(0 < r[3] <= 1 for r in model)
    hits = sum(r[1] == t for r, t in zip(model, truth, strict=True))
    assert hits >= 0.8 * len(truth)
    report = con.sql("select * from classifier_reports").pl().row(0, named=True)
    assert report["status"] == "trained"
    assert (report["n_labelled"], report["n_unlabelled"]) == (90, 18)
    assert report["n_train"] + report["n_test"] == 90
    assert report["macro_f1"] >= 0.8
    assert set(json.loads(report["per_class_f1"])) == set(TEMPLATES)
    assert report["run_at"] == datetime(2026, 4, 1, 8, 0)


def test_stage_skips_the_model_honestly_with_too_few_labels() -> None:
    con, _ = _warehouse(2, 2)  # 12 labelled complaints

    class Ctx:
        def __init__(self) -> None:
            self.notes: list[str] = []
            self.written: dict[str, int] = {}

    ctx = Ctx()
    complaints_stage(con, ctx)
    sources = dict(
        con.sql("select category_source, count(*) from complaint_links group by 1").fetchall()
    )
    assert sources == {"label": 12, "unclassified": 12}
    nulls = con.sql(
        "select count(*) from complaint_links where category_source = 'unclassified' "
        "and category is null and category_confidence is null"
    ).fetchall()
    assert nulls == [(12,)]
    report = con.sql("select status, message, macro_f1 from classifier_reports").fetchall()
    assert report[0][0] == "skipped"
    assert "only 12 labelled complaints" in report[0][1]
    assert report[0][2] is None
    assert any("classifier skipped" in n for n in ctx.notes)
    assert ctx.written == {"complaint_links": 24, "classifier_reports": 1}
