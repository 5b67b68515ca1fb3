"""The merchant profile's sections, in order: the profile page's extension point.

Each module here defines ``ORDER: int``, ``TITLE_KEY: str`` (a label key) and
``render(merchant_id: str, f: Filters) -> None``, which draws the section (widgets, one
``dashboard.cached`` call, a chart or table). Modules are discovered, so a new section is a new
file and the page does not change. Orders in use, with room between them:

* 10 ``activity``: issued vs recorded over time, late and missing marked
* 20 ``monthly``: the merchant's monthly metrics
* 30 ``score_breakdown``: the simulated compliance score, grade and each rule's deduction
* 35 ``anomaly_explanation``: the anomaly score and its explanation in words
* 37 ``entry_risk``: next month's entry-risk forecast and what raised it
* 40 ``exceptions``: reconciliation exceptions with reasons
* 50 ``complaints``: complaints linked to the merchant
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from analytics.views import Filters


@dataclass(frozen=True)
class Section:
    order: int
    name: str
    title_key: str
    render: Callable[[str, Filters], None]


def sections() -> list[Section]:
    """Every section module, by ORDER then name."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append(Section(module.ORDER, info.name, module.TITLE_KEY, module.render))
    return sorted(found, key=lambda s: (s.order, s.name))
