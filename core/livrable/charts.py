"""The scoring charts of a synthesis as PNG images, drawn on this machine by vl-convert
(Vega's own renderer, packaged: no browser, no network)."""

from __future__ import annotations

import time

from core import charts
from core.services.synthesis import ScoringBlock, Synthesis

RENDER_SECONDS: list[float] = []  # time spent drawing, for the bench


def ranking_png(synthesis: Synthesis, block: ScoringBlock) -> bytes | None:
    """Return the ranking bar chart of ``block`` as a PNG, or None when nothing is scored."""
    if not any(r.score is not None for r in block.results):
        return None
    import vl_convert

    started = time.perf_counter()
    chart = charts.ranking(block.results, block.titles, synthesis.lang)
    png = vl_convert.vegalite_to_png(chart.to_json(), scale=2)
    RENDER_SECONDS.append(time.perf_counter() - started)
    return png
