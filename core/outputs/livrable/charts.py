"""The scoring charts of a synthesis as PNG images, drawn on this machine by vl-convert
(Vega's own renderer, packaged: no browser, no network), in the document's own font."""

from __future__ import annotations

import json
import time

from core.outputs import charts
from core.services.synthesis import RelationBlock, ScoringBlock, Synthesis

RENDER_SECONDS: list[float] = []  # time spent drawing, for the bench


def ranking_png(synthesis: Synthesis, block: ScoringBlock, *,
                font: str | None = None) -> bytes | None:
    """Return the ranking bar chart of ``block`` as a PNG (its type in ``font``: the
    document's, not the screen's), or None when nothing is scored."""
    if not any(r.score is not None for r in block.results):
        return None
    import vl_convert

    started = time.perf_counter()
    spec = json.loads(charts.ranking(block.results, block.titles, synthesis.lang).to_json())
    if font is not None:
        spec.setdefault("config", {})["font"] = font
    png = vl_convert.vegalite_to_png(json.dumps(spec), scale=2)
    RENDER_SECONDS.append(time.perf_counter() - started)
    return png


def scale_png(synthesis: Synthesis, block: RelationBlock, *, font: str | None = None) -> bytes:
    """Return a project's diagnostic on the gradient's scale as a PNG (see ``charts.scale``)."""
    import vl_convert

    started = time.perf_counter()
    spec = json.loads(charts.scale(block.scale, block.counts, block.level,
                                   synthesis.lang).properties(width=420).to_json())
    if font is not None:
        spec.setdefault("config", {})["font"] = font
    png = vl_convert.vegalite_to_png(json.dumps(spec), scale=2)
    RENDER_SECONDS.append(time.perf_counter() - started)
    return png
