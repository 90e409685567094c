"""CSV for spreadsheets: formulas neutralised, French numbers, read back as written."""

import io

import pandas as pd

from core.outputs.spreadsheet import csv_bytes, safe_cell

HOSTILE = ["=HYPERLINK(\"http://example.org\",\"clic\")", "=cmd|' /C calc'!A0", "+33 6 12",
           "-2+3", "@SUM(A1:A2)", "\tcaché", "\rretour"]


def test_formula_cells_are_neutralised():
    for text in HOSTILE:
        assert safe_cell(text).startswith("'"), text
    assert safe_cell("Une idée = un projet") == "Une idée = un projet"
    assert safe_cell(4.56) == "4,56" and safe_cell(4.56, decimal=".") == "4.56"
    assert safe_cell(float("nan")) == "" and safe_cell(None) == ""


def test_french_csv_reads_back_with_semicolon_and_decimal_comma():
    data = csv_bytes(["Piste", "Score"], [[text, 3.25] for text in HOSTILE] + [["Épicerie", 4.5]])
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents
    table = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(table["Score"]) == [3.25] * len(HOSTILE) + [4.5]
    assert table["Piste"].iloc[-1] == "Épicerie"
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in table["Piste"])
