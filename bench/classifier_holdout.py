"""How the complaint classifier does on templates it has never seen (not a timed benchmark).

    python bench/classifier_holdout.py [--db data/warehouse.duckdb]

The stored macro-F1 (``classifier_reports``, the Complaints page) comes from a random stratified
split of the labelled complaints, whose training quarter shares every generator template with
the test quarter: 1.000 on the demo says only that the model learns the templates. Here each
labelled complaint is matched back to the template it was written from
(``data/reference/synth/complaint_templates.csv``, with the generator's openers and closers
around it) and the complaints are split by template, so no test template was seen in training:
``GroupKFold(4)`` and ``StratifiedGroupKFold(4)`` with three shuffles, for both candidate models
(``analytics.classifier.MODELS``). Prints macro-F1 per split (the mean over folds) and writes
``bench/results/classifier_holdout.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from analytics import classifier, warehouse  # noqa: E402
from analytics.synth.reference import load_reference  # noqa: E402

FOLDS = 4
SEEDS = (0, 1, 2)


def template_patterns() -> list[tuple[int, re.Pattern[str]]]:
    """(template index, pattern of a whole complaint text written from it), every category's
    templates in file order; placeholders match any text, openers and closers any of theirs."""
    ref = load_reference()
    openers = "|".join(map(re.escape, ref.phrases["opener"]))
    closers = "|".join(map(re.escape, ref.phrases["closer"]))
    out = []
    templates = [t for cat in sorted(ref.templates) for t in ref.templates[cat]]
    for i, template in enumerate(templates):
        body = "".join(
            ".+?" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[a-z_]+\})", template)
            if part
        )
        out.append((i, re.compile(f"(?:{openers}){body}(?:{closers})", re.DOTALL)))
    return out


def template_of(text: str, patterns: list[tuple[int, re.Pattern[str]]]) -> int | None:
    """The first template whose pattern matches the whole text (None: written by no template,
    e.g. a complaint typed by hand)."""
    return next((i for i, p in patterns if p.fullmatch(text)), None)


def macro_f1(model: str, texts: list[str], labels: np.ndarray, splits: object, seed: int) -> float:
    scores = []
    for train, test in splits:  # type: ignore[attr-defined]
        fitted = classifier._pipeline(model, seed).fit([texts[i] for i in train], labels[train])
        predicted = fitted.predict([texts[i] for i in test])
        scores.append(f1_score(labels[test], predicted, average="macro"))
    return statistics.fmean(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=None, help="the warehouse (default: the configured one)")
    args = parser.parse_args()
    con = warehouse.connect(args.db, read_only=True)
    rows = con.execute(
        "select text, category from complaints where category is not null and text is not null "
        "order by complaint_id"
    ).fetchall()
    con.close()
    patterns = template_patterns()
    matched = [(t, c, g) for t, c in rows if (g := template_of(t, patterns)) is not None]
    texts = [t for t, _, _ in matched]
    labels = np.array([c for _, c, _ in matched])
    groups = np.array([g for _, _, g in matched])
    print(
        f"{len(rows):,} labelled complaints, {len(matched):,} matched to "
        f"{len(set(groups.tolist()))} templates ({len(rows) - len(matched)} unmatched)"
    )
    results: dict[str, object] = {
        "labelled": len(rows),
        "matched": len(matched),
        "templates": len(set(groups.tolist())),
        "folds": FOLDS,
        "splits": {},
    }
    splits: dict[str, dict[str, float]] = {}
    for model in classifier.MODELS:
        plain = GroupKFold(FOLDS).split(texts, labels, groups)
        splits.setdefault("GroupKFold", {})[model] = macro_f1(model, texts, labels, plain, 0)
        for seed in SEEDS:
            strat = StratifiedGroupKFold(FOLDS, shuffle=True, random_state=seed)
            name = f"StratifiedGroupKFold seed {seed}"
            splits.setdefault(name, {})[model] = macro_f1(
                model, texts, labels, strat.split(texts, labels, groups), seed
            )
    print(
        f"{'split (mean macro-F1 over folds)':<34}"
        + "".join(f"{m:>12}" for m in splits["GroupKFold"])
    )
    for name, by_model in splits.items():
        print(f"{name:<34}" + "".join(f"{v:>12.3f}" for v in by_model.values()))
    results["splits"] = {k: {m: round(v, 4) for m, v in d.items()} for k, d in splits.items()}
    out = HERE / "results" / "classifier_holdout.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
