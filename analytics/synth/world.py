"""Everything the monthly steps share: reference data, calendar, merchants, plan, scale."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from analytics.synth.behaviours import Plan
from analytics.synth.clock import Period, WorkClock
from analytics.synth.merchants import Merchants
from analytics.synth.names import Parties
from analytics.synth.reference import Reference


@dataclass(frozen=True)
class World:
    ref: Reference
    period: Period
    clock: WorkClock
    m: Merchants
    plan: Plan
    parties: Parties
    factors: npt.NDArray[np.float64]  # industries x period days
    scale: float  # invoices per unit of relative volume

    @property
    def n_buyers(self) -> int:
        return len(self.parties.buyer_names)

    @property
    def n_persons(self) -> int:
        return len(self.parties.persons)
