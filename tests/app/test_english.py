"""English that is English: every page, as a facilitator, a participant and a visitor, run
in English, holds no sentence of the French catalog — everything the server sends is read
(titles, text, labels, help, placeholders, options, HTML, charts), not only the Markdown.
The language is kept in the page's address: a reload stays in English."""

from __future__ import annotations

import re
from functools import lru_cache

from babel.messages.pofile import read_po
from google.protobuf.descriptor import FieldDescriptor

from core.domain import inputs
from core.domain.models import CardKind, PhaseKind, Role
from core.services import actions, canvases, cards, phases
from core.settings import PROJECT_ROOT
from tests.app.conftest import as_participant, as_user, fresh

FACILITATOR_PAGES = ["home", "facilitate", "projector", "explore", "ideas", "group", "score",
                     "results", "canvas", "next_steps", "synthesis", "import_cards",
                     "account", "users"]
PARTICIPANT_PAGES = ["workshop", "explore", "ideas", "group", "score", "results", "canvas",
                     "next_steps"]
FRAGMENT_MIN = 12  # shorter pieces ("Animer", "Total") may be English words or names


@lru_cache(maxsize=1)
def french_fragments() -> dict[str, str]:
    """Each French sentence of the catalog (the pieces between its {placeholders}) that
    differs from the English, mapped to its message id."""
    path = PROJECT_ROOT / "core" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    found = {}
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for french in strings:
            for piece in re.split(r"\{[^}]*\}", french):
                piece = piece.strip(" .,:;!?…·—-\n")
                if len(piece) >= FRAGMENT_MIN and all(piece not in e for e in ids):
                    found[piece] = ids[0]
    return found


def _strings(message) -> list[str]:
    out = []
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if field.type == FieldDescriptor.TYPE_STRING:
                out.append(item)
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                out.extend(_strings(item))
    return out


def sent(at) -> str:
    """Everything the server sent to draw the page, every string of every element."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.extend(_strings(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def french_in(at, data: str = "") -> dict[str, str]:
    """The catalog's French sentences on the page, leaving out those the workshop's own data
    holds (its agenda was written in French when it was created: that is the room's text,
    not the interface's)."""
    page = sent(at)
    return {piece: msgid for piece, msgid in french_fragments().items()
            if piece in page and piece not in data}


def _fill(db, world: dict, templates) -> None:
    """A card of each kind, a canvas, a next step: pages show their lists, not empty states."""
    camille, wid = world["facilitator"], world["workshop_id"]
    need = cards.add_card(session=db, actor=camille, workshop_id=wid, templates=templates,
                          card_in=inputs.CardCreate(text="Pas de médecin"))
    cards.add_card(session=db, actor=camille, workshop_id=wid, templates=templates,
                   card_in=inputs.CardCreate(text="Un cabinet partagé", kind=CardKind.IDEA,
                                             need_ids=(need.id,)))
    canvases.start_canvas(session=db, actor=camille, workshop_id=wid, templates=templates,
                          title="Cabinet partagé")
    actions.add_action(session=db, actor=camille, workshop_id=wid, templates=templates,
                       action_in=inputs.ActionCreate(what="Appeler l'ARS"))


def test_every_page_in_english_holds_no_french_sentence(new_app, db, running_workshop_app,
                                                        templates):
    from tests.conftest import make_user

    make_user(db, "root", role=Role.ADMIN)
    _fill(db, running_workshop_app, templates)
    wid = running_workshop_app["workshop_id"]
    assert len(french_fragments()) > 300  # the catalog is read
    agenda = "\n".join(f"{p.title}\n{p.instructions}" for p in phases.phases_of(db, wid))
    assert "Explorer les besoins" in agenda
    found: dict[str, dict[str, str]] = {}

    visitor = new_app()
    visitor.query_params["lang"] = "en"
    visitor.run()
    found["visitor: login"] = french_in(visitor)
    visitor = new_app()
    visitor.query_params["lang"] = "en"
    visitor.switch_page("pages/join.py").run()
    found["visitor: join"] = french_in(visitor)

    for page in FACILITATOR_PAGES:  # one browser session per page, as a link opens it
        admin = as_user(new_app(), "root")
        admin.query_params["lang"] = "en"
        admin.session_state["workshop_id"] = wid
        # One run straight on the page: AppTest formats a selectbox's value again between
        # runs outside the app's session, in the default language (not the app's doing).
        admin.switch_page(f"pages/{page}.py").run()
        assert not admin.exception, page
        found[f"facilitator: {page}"] = french_in(admin, agenda)

    def phone_on(page: str):
        phone = as_participant(new_app(), running_workshop_app["token"])
        phone.query_params["lang"] = "en"
        return phone.switch_page(f"pages/{page}.py").run()

    for kind, page in ((PhaseKind.EXPLORE, "explore"), (PhaseKind.IDEAS, "ideas"),
                       (PhaseKind.GROUP, "group"), (PhaseKind.SCORE, "score"),
                       (PhaseKind.FORMALISE, "canvas"), (PhaseKind.NEXT_STEPS, "next_steps")):
        fresh(db)  # what the app wrote since (a phone's visit): no stale snapshot to write on
        index = next(p.position for p in phases.phases_of(db, wid) if p.kind == kind)
        phases.go_to(session=db, actor=running_workshop_app["facilitator"], workshop_id=wid,
                     index=index)
        phone = phone_on(page)
        assert not phone.exception, page
        found[f"participant: {page}"] = french_in(phone, agenda)
    for page in ("workshop", "results"):
        phone = phone_on(page)
        found[f"participant: {page}"] = french_in(phone, agenda)

    assert len(found) == 2 + len(FACILITATOR_PAGES) + len(PARTICIPANT_PAGES)
    assert {page: pieces for page, pieces in found.items() if pieces} == {}
    # The choice stays in the address (a reload keeps it) and the page really is English.
    assert phone.query_params["lang"] == ["en"] or phone.query_params["lang"] == "en"
    assert "Accounts" in sent(admin)  # the last page walked (users), in English


def test_the_check_sees_french_when_there_is_some(new_app, db, running_workshop_app):
    """The same pages in French are full of catalog sentences: the check can see them."""
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert len(french_in(at)) >= 3
