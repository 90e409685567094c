"""The `fabrique cluster` command, run as a user would run it."""

import csv
import io
import subprocess
import sys

from core.settings import PROJECT_ROOT

ROWS = [
    "Ramassage des déchets trop rare", "Le ramassage des déchets verts",
    "Des poubelles de tri pour les déchets", "Du covoiturage vers la gare",
    "Covoiturage pour aller au marché", "Le covoiturage des parents",
]


def run(*args):
    return subprocess.run([sys.executable, "-m", "launch.cli", *args], cwd=PROJECT_ROOT,
                          capture_output=True, timeout=120, check=False)


def test_cluster_writes_rows_back_with_group_columns(tmp_path):
    source = tmp_path / "idees.csv"
    lines = ["id;idée"] + [f"{i};{text}" for i, text in enumerate(ROWS)]
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    result = run("cluster", str(source), "--text-column", "idée", "--groups", "2")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout.decode("cp1252")), delimiter=";"))
    assert rows[0] == ["id", "idée", "groupe", "nom_du_groupe"]
    assert [r[1] for r in rows[1:]] == ROWS
    groups = [r[2] for r in rows[1:]]
    assert len(set(groups[:3])) == 1 and len(set(groups[3:])) == 1 and groups[0] != groups[3]
    assert rows[1][3].startswith("déchets")
    assert b"6 rows, 2 groups" in result.stderr


def test_cluster_refuses_a_missing_column(tmp_path):
    source = tmp_path / "idees.csv"
    source.write_text("texte\nune idée\n", encoding="utf-8")
    result = run("cluster", str(source), "--text-column", "idée")
    assert result.returncode == 2
    assert b"no column" in result.stderr
