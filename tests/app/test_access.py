"""Navigation offers each person only their pages; first start creates the admin; login;
joining by code; language."""

from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.domain.models import Role, User, utcnow
from core.services import accounts, limits
from core.settings import PROJECT_ROOT
from tests.app.conftest import as_participant, as_user, fresh, open_as_facilitator, texts
from tests.conftest import PASSWORD, make_user

CREATE_ADMIN = "FormSubmitter:first_admin-Créer le compte"
JOIN = "FormSubmitter:join_form-Rejoindre"


def nav_paths(at) -> list[str]:
    """Return the addresses st.navigation listed in the last run (AppTest keeps the
    registered pages in order: the listed ones, then the hidden ones from "/")."""
    infos = list(at._registered_pages.values())
    listed = infos[:next(i for i, info in enumerate(infos) if info["url_pathname"] == "")]
    return [info["url_pathname"] for info in listed]


def addresses(at) -> dict[str, str]:
    """Return each address st.navigation answers in the last run, with the page file it
    draws ("" is "/")."""
    return {info["url_pathname"]: Path(info["script_path"]).stem
            for info in at._registered_pages.values()}


def test_visitor_is_offered_only_login_and_join(new_app, db):
    make_user(db, "root", role=Role.ADMIN)
    at = new_app().run()
    assert not at.exception
    assert nav_paths(at) == ["login", "join"]
    assert "Connexion animateur·rice" in texts(at)


def test_every_address_opens_something_for_everyone(new_app, db, running_workshop_app):
    """No address of the app opens on Streamlit's "Page not found" box, whoever opens it:
    each is answered, by its own page or by the one that stands in for it (a visitor asked
    to join at a participant's address, to sign in at a facilitator's)."""
    from ui import screens

    make_user(db, "root", role=Role.ADMIN)
    every = {screen.url_path for screen in screens.ALL}
    visitor = new_app().run()
    answered = addresses(visitor)
    assert every <= set(answered)
    assert answered[""] == "login"  # "/" draws the first page, also served at /login
    assert {answered[s.url_path] for s in screens.PARTICIPANT_SCREENS} == {"join"}
    assert {answered[p] for p in ("home", "facilitate", "users", "synthesis")} == {"login"}
    participant = as_participant(new_app(), running_workshop_app["token"]).run()
    answered = addresses(participant)
    assert every <= set(answered)
    assert answered["home"] == answered["facilitate"] == "workshop"
    assert answered["login"] == "login" and answered["join"] == "workshop"
    facilitator = as_user(new_app(), "camille").run()
    answered = addresses(facilitator)
    assert every <= set(answered)
    assert answered["login"] == answered["join"] == answered["workshop"] == "home"
    assert answered["facilitate"] == "facilitate"


@pytest.mark.parametrize("page", ["home", "facilitate", "projector", "workshop", "explore",
                                  "ideas", "group", "score", "results", "canvas",
                                  "import_cards", "account", "users", "next_steps",
                                  "synthesis"])
def test_a_page_file_run_alone_shows_nothing(app_env, running_workshop_app, page):
    """What Streamlit's pages/ fallback would serve on a cold start: the file without
    app.py. The page's own guard must stop it before any data is read."""
    at = AppTest.from_file(str(PROJECT_ROOT / "pages" / f"{page}.py"), default_timeout=30)
    at.query_params["p"] = running_workshop_app["token"]  # even with a valid token
    at.run()
    assert not at.exception
    page_text = texts(at)
    assert "Atelier du jeudi" not in page_text and "Collectif test" not in page_text
    assert page_text == ""


def test_login_and_join_pages_alone_show_no_workshop_data(app_env, db, running_workshop_app):
    make_user(db, "root", role=Role.ADMIN)
    for page in ("pages/login.py", "pages/join.py"):
        at = AppTest.from_file(str(PROJECT_ROOT / page), default_timeout=30).run()
        assert not at.exception
        assert "Atelier du jeudi" not in texts(at) and "Collectif test" not in texts(at)


def test_first_start_creates_the_admin_with_the_setup_code(new_app, db, tmp_path):
    at = new_app().run()
    assert "Premier démarrage" in texts(at)
    code = (tmp_path / "var" / "setup-code.txt").read_text().strip()
    # The page names where the code's file really is (the data directory of this run).
    assert str(tmp_path / "var" / "setup-code.txt").replace("-", "\\-").replace(
        ".", "\\.").replace("_", "\\_") in texts(at)

    def fill(setup_code):
        at.text_input(key="setup_code").input(setup_code)
        at.text_input(key="admin_username").input("anna")
        at.text_input(key="admin_name").input("Anna")
        at.text_input(key="admin_password").input(PASSWORD)
        at.text_input(key="admin_confirm").input(PASSWORD)
        at.button(key=CREATE_ADMIN).click().run()

    fill("ZZZZ-ZZZZ")
    assert "Code incorrect" in texts(at)
    fresh(db)
    assert not accounts.has_admin(db)
    fill(code)
    assert not at.exception
    fresh(db)
    assert accounts.has_admin(db)
    assert "Connexion animateur·rice" in texts(at)  # the login form replaced the setup form
    assert "Compte créé. Vous pouvez vous connecter." in texts(at)  # said after the rerun


def test_login_form_refuses_a_wrong_password_then_logs_in(new_app, db):
    make_user(db, "root", role=Role.ADMIN)
    make_user(db, "camille")
    at = new_app().run()
    at.text_input[0].input("camille")
    at.text_input[1].input("pas le bon mot de passe")
    at.button[0].click().run()
    assert "Identifiant ou mot de passe incorrect" in texts(at)
    at.text_input[0].input("camille")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    at.run()
    assert not at.exception
    assert "Collectifs et ateliers" in texts(at)


def test_login_form_slows_down_a_guesser_with_a_clear_message(new_app, db):
    make_user(db, "root", role=Role.ADMIN)
    make_user(db, "camille")
    at = new_app().run()
    for _ in range(limits.FREE_FAILURES):
        at.text_input[0].input("camille")
        at.text_input[1].input("devinette")
        at.button[0].click().run()
        assert "Identifiant ou mot de passe incorrect" in texts(at)
    # Even the right password waits now: the page says how long.
    at.text_input[0].input("camille")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert "Trop d'essais manqués : attendez 2 s" in texts(at)
    assert "Collectifs et ateliers" not in texts(at)


def test_roles_shape_the_navigation(new_app, db, running_workshop_app):
    make_user(db, "root", role=Role.ADMIN)
    admin = as_user(new_app(), "root").run()
    facilitator = as_user(new_app(), "camille").run()
    participant = as_participant(new_app(), running_workshop_app["token"]).run()
    workshop_pages = ["home", "facilitate", "projector", "explore", "ideas", "group", "score",
                      "results", "canvas", "relation", "next_steps", "synthesis", "followup",
                      "import"]
    assert nav_paths(admin) == [*workshop_pages, "account", "users", "guide"]
    assert nav_paths(facilitator) == [*workshop_pages, "account", "guide"]
    assert nav_paths(participant) == ["workshop", "explore", "ideas", "group", "score",
                                      "results", "canvas", "relation", "next_steps"]


def test_deactivated_account_loses_access_at_the_next_click(new_app, db):
    make_user(db, "root", role=Role.ADMIN)
    make_user(db, "camille")
    at = as_user(new_app(), "camille").run()
    assert "Collectifs et ateliers" in texts(at)
    user = db.exec(select(User).where(User.username == "camille")).one()
    user.deactivated_at = utcnow()
    db.commit()
    at.run()
    assert "Collectifs et ateliers" not in texts(at)
    assert nav_paths(at) == ["login", "join"]


def test_english_is_selectable_and_stays(new_app, db):
    make_user(db, "root", role=Role.ADMIN)
    at = new_app().run()
    assert "Connexion animateur·rice" in texts(at)
    at.selectbox(key="_lang_widget").select("en").run()
    assert "Facilitator login" in texts(at)
    at.switch_page("pages/join.py").run()
    assert "Join a workshop" in texts(at)


def test_join_by_code_link_and_come_back_after_reload(new_app, running_workshop_app):
    at = new_app()
    at.query_params["code"] = running_workshop_app["code"]
    at.run()
    at.switch_page("pages/join.py").run()
    assert at.text_input(key="join_code").value == running_workshop_app["code"]
    at.text_input(key="join_name").input("Paulette")
    at.button(key=JOIN).click().run()
    assert not at.exception
    # The workshop is in its "explore" phase: she lands straight on that board.
    assert "Bonjour Paulette" in texts(at)
    token = at.query_params["p"]
    token = token[0] if isinstance(token, list) else token
    # A reload in the same browser: the token in the URL brings the same participant back.
    again = as_participant(new_app(), token).run()
    assert "Bonjour Paulette" in texts(again)


def test_join_with_a_wrong_code_says_so(new_app):
    at = new_app().run()
    at.switch_page("pages/join.py").run()
    at.text_input(key="join_code").input("NOPE99")
    at.text_input(key="join_name").input("Paulette")
    at.button(key=JOIN).click().run()
    assert "Aucun atelier n'a le code NOPE99" in texts(at)


def test_a_broken_template_stops_the_start_with_a_clear_message(new_app, tmp_path, monkeypatch):
    import shutil
    broken = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", broken)
    (broken / "sources.yaml").write_text("sources:\n  - key: entretien\n", encoding="utf-8")
    monkeypatch.setenv("FABRIQUE_TEMPLATES_DIR", str(broken))
    at = new_app().run()
    assert not at.exception
    message = texts(at).replace("\\", "")  # the path is Markdown-escaped on screen
    assert "sources.yaml" in message and "sources.0.label" in message
    assert "n'est pas valide" in message


def test_a_taken_name_is_refused_and_the_facilitator_shows_the_personal_link(
        new_app, running_workshop_app):
    at = new_app()
    at.query_params["code"] = running_workshop_app["code"]
    at.run()
    at.switch_page("pages/join.py").run()
    at.text_input(key="join_name").input("  ÉLISE ")
    at.button(key=JOIN).click().run()
    assert not at.exception
    assert "Quelqu'un participe déjà sous le nom « Élise »" in texts(at)
    assert "p" not in at.query_params  # she did not become Élise
    facilitator = open_as_facilitator(new_app, running_workshop_app["workshop_id"],
                                      "pages/facilitate.py")
    links = [c.value for c in facilitator.code]
    assert any(f"p={running_workshop_app['token']}" in link for link in links)
