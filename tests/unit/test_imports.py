"""CSV import: encodings and delimiters of French spreadsheets, refusals, all or nothing."""

import pytest
from sqlmodel import select

from core.domain.models import Card, CardKind
from core.errors import InvalidInput, PermissionDenied
from core.services.imports import import_cards, plan_import, read_csv

WIN_SEMICOLON = (
    "Besoin;Thème;Source\r\n"
    "Pas de médecin à moins de 20 km;Santé;entretien\r\n"
    "\"Le bus ne passe plus le dimanche ; c'est dur\";Mobilités;Micro-trottoir\r\n"
    '"Une ligne\r\nsur deux lignes";habitat;\r\n'
).encode("cp1252")


def test_windows_1252_semicolon_file(session, templates, facilitator, running_workshop):
    table = read_csv(WIN_SEMICOLON)
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.columns == ["Besoin", "Thème", "Source"]
    plan = plan_import(table, text_column="Besoin", theme_column="Thème",
                       source_column="Source", templates=templates)
    assert plan.problems == []
    assert [(d.theme, d.source) for d in plan.drafts] == [
        ("sante", "entretien"), ("mobilites", "micro-trottoir"), ("habitat", "")]
    count = import_cards(session=session, actor=facilitator, workshop_id=running_workshop.id,
                         plan=plan)
    assert count == 3
    texts = session.exec(select(Card.text).order_by(Card.id)).all()
    assert texts[1] == "Le bus ne passe plus le dimanche ; c'est dur"
    assert texts[2] == "Une ligne\nsur deux lignes"


def test_utf8_with_bom_and_commas():
    table = read_csv("\ufefftexte,auteur\nÉcole fermée,Zoé\n".encode())
    assert (table.encoding, table.delimiter, table.columns) == ("utf-8-sig", ",",
                                                                ["texte", "auteur"])
    assert table.column("texte") == ["École fermée"]


def test_rejected_rows_are_reported_and_nothing_is_imported(session, templates, facilitator,
                                                            running_workshop):
    data = ("texte;theme\n"
            "Un vrai besoin;culture\n"
            ";culture\n"
            "\n"
            "Un besoin au thème inconnu;licornes\n"
            f"{'x' * 501};culture\n"
            "trop;de;cellules\n").encode()
    plan = plan_import(read_csv(data), text_column="texte", theme_column="theme",
                       templates=templates)
    assert [(p.line, p.msgid.split(" ")[0]) for p in plan.problems] == [
        (3, "empty"), (5, "unknown"), (6, "text"), (7, "more")]
    assert plan.problems[1].params == {"value": "licornes"}
    assert plan.blank == 1 and len(plan.drafts) == 1
    with pytest.raises(InvalidInput) as exc:
        import_cards(session=session, actor=facilitator, workshop_id=running_workshop.id,
                     plan=plan)
    assert exc.value.params == {"count": 4}
    assert session.exec(select(Card)).all() == []
    # Asked explicitly, the valid rows go in, in one transaction.
    assert import_cards(session=session, actor=facilitator, workshop_id=running_workshop.id,
                        plan=plan, skip_rejected=True, kind=CardKind.IDEA) == 1
    assert session.exec(select(Card.kind)).all() == ["idea"]


@pytest.mark.parametrize(("data", "fragment"), [
    (b"", "empty"),
    (b"  \r\n \n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    (b'texte\n"guillemet jamais ferme\n', "not valid CSV"),
])
def test_empty_or_malformed_files_are_refused(data, fragment):
    with pytest.raises(InvalidInput) as exc:
        read_csv(data)
    assert fragment in exc.value.msgid


def test_unknown_column_and_header_only(templates):
    table = read_csv(b"texte\n")
    plan = plan_import(table, text_column="texte", templates=templates)
    assert plan.drafts == [] and plan.problems == []
    with pytest.raises(InvalidInput):
        plan_import(table, text_column="absente", templates=templates)


def test_participants_cannot_import(session, templates, running_workshop, participant):
    plan = plan_import(read_csv(b"t\nun besoin\n"), text_column="t", templates=templates)
    with pytest.raises(PermissionDenied):
        import_cards(session=session, actor=participant, workshop_id=running_workshop.id,
                     plan=plan)
