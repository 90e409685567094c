"""CSV files that a spreadsheet opens safely and, in French, correctly: no cell is read as
a formula (a text starting with =, +, -, @, a tab or a carriage return gets a leading
apostrophe, as OWASP advises against CSV injection), ``;`` between cells and a decimal
comma for French, UTF-8 with a BOM so Excel reads the accents."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object, *, decimal: str = ",") -> str:
    """Return one cell's text: numbers with the reader's decimal mark, text never a
    formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value != value:  # NaN: a missing number
        return ""
    if isinstance(value, int | float):
        text = repr(round(value, 6)) if isinstance(value, float) else str(value)
        return text.replace(".", decimal)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], *,
              lang: str = "fr") -> bytes:
    """Return a CSV file for the reader's spreadsheet (French: ``;`` and decimal comma)."""
    delimiter, decimal = (";", ",") if lang == "fr" else (",", ".")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(h, decimal=decimal) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v, decimal=decimal) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
