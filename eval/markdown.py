"""The little Markdown the reports need: a table and a number, nothing more."""

from __future__ import annotations

import math
from collections.abc import Sequence


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, align: str = "") -> str:
    """A pipe table; ``align`` gives one character per column, ``r`` for right-aligned figures."""
    rule = [("---:" if a == "r" else "---") for a in align.ljust(len(header), "l")]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def figure(v: float | None) -> str:
    """Three decimals for scores, one for larger figures, a dash for none."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"
