"""`fabrique workshops` and `fabrique synthesis`, run as a user would run them."""

import io
import os
import subprocess
import sys

from docx import Document
from pypdf import PdfReader

from core.domain import inputs
from core.domain.models import Role
from core.settings import PROJECT_ROOT
from core.storage.db import dispose_engines
from tests.conftest import make_user


def run(url, tmp_path, *args):
    env = {**os.environ, "DATABASE_URL": url, "FABRIQUE_DATA_DIR": str(tmp_path),
           "FABRIQUE_LOAD_DEMO": "false"}
    return subprocess.run([sys.executable, "-m", "launch.cli", *args], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, timeout=120, check=False)


def test_workshops_then_synthesis_by_code_and_by_id(sqlite_url, tmp_path):
    from sqlmodel import Session

    from core.domain.templates import load_templates
    from core.services import workshops
    from core.storage.db import get_engine

    templates = load_templates(PROJECT_ROOT / "data")
    with Session(get_engine(sqlite_url, write=True), expire_on_commit=False) as db:
        admin = make_user(db, "root", Role.ADMIN)
        collective = workshops.create_collective(session=db, actor=admin,
                                                 collective_in=inputs.CollectiveCreate(name="Miallet\tbourg"))
        workshop = workshops.create_workshop(
            session=db, actor=admin, collective_id=collective.id,
                workshop_in=inputs.WorkshopCreate(
                    title="L’atelier « grange »"),
            workshop_format=templates.formats["soiree-2h"], lang="fr")
        code, wid = workshop.join_code, workshop.id
    dispose_engines(sqlite_url)

    listed = run(sqlite_url, tmp_path, "workshops")
    assert listed.returncode == 0, listed.stderr
    line = listed.stdout.decode("utf-8").strip()
    assert line.split("\t") == [str(wid), code, "Miallet bourg", "L’atelier « grange »",
                                "draft"]

    pdf_file, docx_file = tmp_path / "synthese.pdf", tmp_path / "synthese.docx"
    made = run(sqlite_url, tmp_path, "synthesis", code.lower(), "--format", "pdf",
               "--out", str(pdf_file))
    assert made.returncode == 0, made.stderr
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_file.read_bytes())).pages)
    # French print: « with narrow no-break spaces », the typographic apostrophe.
    assert "L’atelier «\u202fgrange\u202f»" in text and "Synthèse de l’atelier" in text
    made = run(sqlite_url, tmp_path, "synthesis", str(wid), "--format", "docx",
               "--out", str(docx_file), "--anonymous", "--lang", "en")
    assert made.returncode == 0, made.stderr
    headings = [p.text for p in Document(str(docx_file)).paragraphs
                if p.style.name.startswith("Heading")]
    assert "What we heard: the needs" in headings and "Next steps" in headings


def test_unknown_workshop_and_no_admin_exit_2(sqlite_url, tmp_path):
    result = run(sqlite_url, tmp_path, "synthesis", "ZZZZZZ", "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "administrateur" in result.stderr.decode("utf-8")
    from sqlmodel import Session

    from core.storage.db import get_engine

    with Session(get_engine(sqlite_url, write=True)) as db:
        make_user(db, "root", Role.ADMIN)
    dispose_engines(sqlite_url)
    result = run(sqlite_url, tmp_path, "synthesis", "ZZZZZZ", "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "ZZZZZZ" in result.stderr.decode("utf-8")
    assert not (tmp_path / "x").exists()
    result = run(sqlite_url, tmp_path, "synthesis", "999", "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "n'existe pas" in result.stderr.decode("utf-8")
