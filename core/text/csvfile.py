"""Reading CSV files as French spreadsheets export them: UTF-8 (with or without BOM) or
Windows-1252; comma, semicolon or tab. Apart from the import of cards (``core.services.imports``) so
that ``fabrique cluster`` reads a file without loading the database layer."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from core.errors import InvalidInput
from core.text.i18n import N_

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read into named columns."""

    columns: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str

    def column(self, name: str) -> list[str]:
        """Return the values of column ``name``."""
        index = self.columns.index(name)
        return [row[index] if index < len(row) else "" for row in self.rows]


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") \
            else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            N_("This file is neither UTF-8 nor Windows-1252 text. Save it as CSV (UTF-8).")
        ) from exc


def _delimiter(text: str) -> str:
    """Guess the delimiter from the header line (quotes aside)."""
    header = text.split("\n", 1)[0]
    outside, quoted = [], False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(char)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes) -> CsvTable:
    """Read a CSV file; refuse empty, binary, malformed or oversized files clearly."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(N_("This file is too big (at most {max} MB)."),
                           max=MAX_BYTES // (1024 * 1024))
    if b"\x00" in data:
        raise InvalidInput(N_("This is not a CSV file (it contains binary data)."))
    text, encoding = _decode(data)
    if not text.strip():
        raise InvalidInput(N_("The file is empty."))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InvalidInput(N_("The file is not valid CSV near line {line}: {problem}"),
                           line=reader.line_num, problem=str(exc)) from exc
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    if not records:
        raise InvalidInput(N_("The file is empty."))
    header, rows = records[0], records[1:]
    if len(rows) > MAX_ROWS:
        raise InvalidInput(N_("Too many rows: {count} (at most {max})."), count=len(rows),
                           max=MAX_ROWS)
    columns, seen = [], set()
    for index, name in enumerate(header):
        name = name.strip() or f"colonne {index + 1}"
        while name in seen:
            name += "'"
        seen.add(name)
        columns.append(name)
    return CsvTable(columns=columns, rows=rows, encoding=encoding, delimiter=delimiter)
