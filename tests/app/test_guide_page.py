"""Aide (pages/guide.py): the facilitator's guide in the app, one part at a time, opened
from every screen's "Aide" link at its part; for anyone, even before signing in."""

from tests.app.conftest import as_participant, open_as_facilitator, texts


def _help_links(at) -> list[tuple[str, str]]:
    return [(e.proto.label, e.proto.query_string) for e in at.get("page_link")
            if e.proto.page.endswith("guide")]


def test_a_visitor_opens_the_guide_at_the_part_asked_for(new_app):
    at = new_app()
    at.query_params["s"] = "evaluer"
    at.switch_page("pages/guide.py").run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Évaluer et voter"]
    shown = texts(at)
    assert "Ouvrir le vote" in shown and "Révéler les résultats" in shown
    assert "Préparer un atelier" not in [h.value for h in at.header]
    assert len(at.get("image")) == 1  # the phone's ballot, from docs/images
    # The other parts are a click away, and the address follows (a reload keeps the part).
    others = [b for b in at.button if b.key.startswith("guide_to_")]
    assert len(others) >= 10 and "guide_to_evaluer" not in [b.key for b in others]
    at.button(key="guide_to_preparer").click().run()
    assert [h.value for h in at.header] == ["Préparer un atelier"]
    assert at.query_params["s"] in ("preparer", ["preparer"])


def test_choosing_another_part_keeps_it_in_the_address(new_app):
    at = new_app().switch_page("pages/guide.py").run()
    assert [h.value for h in at.header] == ["Préparer un atelier"]
    at.selectbox(key="guide_part").select("collectivite").run()
    assert [h.value for h in at.header] == ["Et la collectivité ?"]
    assert at.query_params["s"] in ("collectivite", ["collectivite"])


def test_every_screen_links_to_its_part(new_app, running_workshop_app):
    facilitator = open_as_facilitator(new_app, running_workshop_app["workshop_id"],
                                      "pages/explore.py")
    assert ("Aide sur cette page", "s=explorer") in _help_links(facilitator)
    phone = as_participant(new_app(), running_workshop_app["token"]).run()
    assert ("Aide sur cette page", "s=explorer") in _help_links(phone)  # taken to the board
    visitor = new_app().switch_page("pages/join.py").run()
    assert ("Aide sur cette page", "s=participer") in _help_links(visitor)


def test_in_english_the_guide_says_it_is_french(new_app):
    at = new_app()
    at.query_params["lang"] = "en"
    at.switch_page("pages/guide.py").run()
    assert "The facilitator's guide is written in French." in texts(at)
    assert at.title[0].value == "Facilitator's guide"
