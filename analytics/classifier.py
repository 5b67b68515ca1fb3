"""A text classifier for complaint categories (投诉类别) over Chinese text.

Character n-grams need no word segmenter: ``TfidfVectorizer(analyzer="char_wb",
ngram_range=(1, 3))`` turns 查不到 / 纸电不符 / 少开 into features directly, and a linear model
does the rest. Two linear models were compared by macro-F1 (:func:`compare_classifiers`):

* generator demo complaints (seed 20261129, 2,051 labelled), stratified held-out quarter:
  logistic regression 1.000, calibrated linear SVC 1.000 (the split shares templates with
  training, so this only shows both learn them);
* the same complaints split *by template* (no template of the test fold seen in training;
  ``bench/classifier_holdout.py``, 4 folds): logistic regression 0.64 (``GroupKFold``) and
  0.73-0.77 (``StratifiedGroupKFold``, three shuffles), calibrated linear SVC 0.64 and 0.73-0.78;
* the hand-made set of ``tests/test_classifier.py`` (180 texts, 3 seeds): both 1.000.

The two are within noise of each other, so the default is **logistic regression**: its
probabilities are native (no calibration folds), and it trains with a single example of a class,
where the calibrated SVC needs several per class for its internal cross-validation.

Too few labels (fewer than :data:`MIN_LABELLED`, a class with fewer than
:data:`MIN_PER_CLASS`, or a held-out split too small to hold every class) raise
:class:`InsufficientLabelsError` with the reason; the pipeline stage turns that into an honest
"unclassified" rather than a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

MIN_LABELLED: Final = 30
MIN_PER_CLASS: Final = 2
# Training cost grows with the labels (TF-IDF dominates: 20,000 texts took ~2 s to vectorise and
# ~1 s to fit on one core, and the stage fits twice: held-out report and final model), while
# macro-F1 on six categories levels off long before; beyond this, a stratified sample is used.
MAX_SAMPLES: Final = 10_000
DEFAULT_MODEL: Final = "logreg"
MODELS: Final = ("logreg", "linear_svc")

# A few thousand short texts fit in well under a second on one thread; letting OpenMP/BLAS spin
# up a thread per core on a machine shared with DuckDB made the same fit 20x slower (measured).
_THREADS: Final = 1

# Amounts, dates and invoice numbers vary per complaint and say nothing about the category;
# folding every digit run into one token keeps them from spreading over thousands of n-grams.
_DIGITS: Final = re.compile(r"[0-9]+")


class InsufficientLabelsError(ValueError):
    """Not enough labelled complaints to train or evaluate honestly."""


def prepare_text(text: str) -> str:
    """Width-folded text with every run of digits replaced by '0'."""
    return _DIGITS.sub("0", unicodedata.normalize("NFKC", text))


def _pipeline(model: str, seed: int) -> Pipeline:
    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(1, 3),
        preprocessor=prepare_text,
        sublinear_tf=True,
        min_df=1,
    )
    if model == "logreg":
        estimator: Any = LogisticRegression(
            C=10.0, max_iter=2000, class_weight="balanced", random_state=seed
        )
    elif model == "linear_svc":
        estimator = CalibratedClassifierCV(
            LinearSVC(C=1.0, class_weight="balanced", random_state=seed),
            method="sigmoid",
            cv=3,
        )
    else:
        raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")
    return Pipeline([("tfidf", vectorizer), ("model", estimator)])


def check_labels(labels: Sequence[str], *, test_size: float | None = None) -> None:
    """Raise :class:`InsufficientLabelsError` naming why ``labels`` cannot support a model."""
    counts = Counter(labels)
    if len(labels) < MIN_LABELLED:
        raise InsufficientLabelsError(
            f"only {len(labels)} labelled complaints; at least {MIN_LABELLED} are needed"
        )
    if len(counts) < 2:
        raise InsufficientLabelsError(f"only one category among the labels: {sorted(counts)}")
    rare = sorted(c for c, n in counts.items() if n < MIN_PER_CLASS)
    if rare:
        raise InsufficientLabelsError(
            f"categor{'y' if len(rare) == 1 else 'ies'} {', '.join(rare)} "
            f"ha{'s' if len(rare) == 1 else 've'} fewer than {MIN_PER_CLASS} labelled examples"
        )
    if test_size is not None:
        n_test = int(np.ceil(test_size * len(labels)))
        if n_test < len(counts) or len(labels) - n_test < len(counts):
            raise InsufficientLabelsError(
                f"a held-out split of {n_test} of {len(labels)} cannot hold all "
                f"{len(counts)} categories"
            )


@dataclass(frozen=True)
class ComplaintClassifier:
    """A fitted pipeline and the categories it knows (sorted)."""

    pipeline: Pipeline
    classes: tuple[str, ...]
    model: str
    seed: int

    def predict(self, texts: Sequence[str]) -> list[str]:
        if not texts:
            return []
        with threadpool_limits(_THREADS):
            return [str(c) for c in self.pipeline.predict(list(texts))]

    def predict_with_confidence(self, texts: Sequence[str]) -> tuple[list[str], list[float]]:
        """Predicted category and its probability for each text."""
        if not texts:
            return [], []
        with threadpool_limits(_THREADS):
            proba = np.asarray(self.pipeline.predict_proba(list(texts)))
        best = proba.argmax(axis=1)
        known = [str(c) for c in self.pipeline.classes_]
        return [known[i] for i in best], [float(p) for p in proba.max(axis=1)]


def _capped(
    texts: Sequence[str], labels: Sequence[str], max_samples: int | None, seed: int
) -> tuple[list[str], list[str]]:
    """At most ``max_samples`` texts, a stratified seeded sample when there are more."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if max_samples is None or len(texts) <= max_samples:
        return list(texts), list(labels)
    kept_x, _, kept_y, _ = train_test_split(
        list(texts), list(labels), train_size=max_samples, stratify=list(labels), random_state=seed
    )
    return [str(x) for x in kept_x], [str(y) for y in kept_y]


def train_classifier(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    seed: int = 0,
    model: str = DEFAULT_MODEL,
    max_samples: int | None = MAX_SAMPLES,
) -> ComplaintClassifier:
    """Fit the text model on the labelled complaints (a sample of ``max_samples`` if more)."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    check_labels(labels)
    x, y = _capped(texts, labels, max_samples, seed)
    pipe = _pipeline(model, seed)
    with threadpool_limits(_THREADS):
        pipe.fit(x, y)
    return ComplaintClassifier(pipe, tuple(sorted(set(labels))), model, seed)


@dataclass(frozen=True)
class ClassifierReport:
    """Held-out evaluation: macro-F1, per-class F1 and support, confusion matrix."""

    model: str
    seed: int
    n_train: int
    n_test: int
    macro_f1: float
    labels: tuple[str, ...]
    per_class_f1: dict[str, float]
    support: dict[str, int]
    # rows = true category, columns = predicted, both in the order of ``labels``
    confusion: list[list[int]]
    class_counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "seed": self.seed,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "macro_f1": self.macro_f1,
            "labels": list(self.labels),
            "per_class_f1": dict(self.per_class_f1),
            "support": dict(self.support),
            "confusion": [list(r) for r in self.confusion],
            "class_counts": dict(self.class_counts),
        }


def evaluate_classifier(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    seed: int = 0,
    test_size: float = 0.25,
    model: str = DEFAULT_MODEL,
    max_samples: int | None = MAX_SAMPLES,
) -> ClassifierReport:
    """Train on a stratified split and score the held-out part (of ``max_samples`` at most)."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    check_labels(labels, test_size=test_size)
    x, y = _capped(texts, labels, max_samples, seed)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, stratify=y, random_state=seed
    )
    pipe = _pipeline(model, seed)
    with threadpool_limits(_THREADS):
        pipe.fit(x_train, y_train)
        predicted = [str(p) for p in pipe.predict(x_test)]
    classes = tuple(sorted(set(labels)))
    scores = f1_score(y_test, predicted, labels=list(classes), average=None, zero_division=0)
    matrix = confusion_matrix(y_test, predicted, labels=list(classes))
    test_counts = Counter(y_test)
    return ClassifierReport(
        model=model,
        seed=seed,
        n_train=len(x_train),
        n_test=len(x_test),
        macro_f1=round(float(np.mean(scores)), 4),
        labels=classes,
        per_class_f1={c: round(float(s), 4) for c, s in zip(classes, scores, strict=True)},
        support={c: int(test_counts[c]) for c in classes},
        confusion=[[int(v) for v in row] for row in matrix],
        class_counts=dict(sorted(Counter(labels).items())),
    )


def compare_classifiers(
    texts: Sequence[str], labels: Sequence[str], *, seed: int = 0, test_size: float = 0.25
) -> dict[str, float]:
    """Held-out macro-F1 of each candidate on the same split (how DEFAULT_MODEL was chosen)."""
    return {
        m: evaluate_classifier(texts, labels, seed=seed, test_size=test_size, model=m).macro_f1
        for m in MODELS
    }
