"""Synthetic Beijing: seeded merchants, payments, invoices, tax records and complaints as files.

``generate(out_dir, ...)`` writes the files the real loader reads (vendor CSV/XLSX/JSONL exports,
the 电子税务局 export, payments Parquet, complaint hotline files), with planted merchant
behaviours and their ground truth in ``planted_labels.csv``, and a ``manifest.json`` listing
every file, its kind and row count, and every deliberately bad row.
"""

from analytics.synth.generate import GenerateResult, generate
from analytics.synth.writers import GeneratedFile

__all__ = ["GenerateResult", "GeneratedFile", "generate"]
