"""Account pages: pages/account.py (own password) and pages/users.py (admin)."""

from sqlmodel import select

from core.domain.models import Role, User
from core.services import accounts
from tests.app.conftest import as_user, fresh, texts
from tests.conftest import PASSWORD, make_user


def test_change_own_password(new_app, db):
    make_user(db, "camille")
    at = as_user(new_app(), "camille").run()
    at.switch_page("pages/account.py").run()
    at.text_input(key="pw_current").input(PASSWORD)
    at.text_input(key="pw_new").input("un tout nouveau secret")
    at.text_input(key="pw_again").input("un tout nouveau secret")
    at.button(key="FormSubmitter:change_password-Changer le mot de passe").click().run()
    assert "Mot de passe changé" in texts(at)
    fresh(db)
    user = db.exec(select(User).where(User.username == "camille")).one()
    assert accounts.check_password("un tout nouveau secret", user.password_hash)


def test_admin_creates_and_deactivates_a_facilitator(new_app, db):
    make_user(db, "root", role=Role.ADMIN)
    at = as_user(new_app(), "root").run()
    at.switch_page("pages/users.py").run()
    at.text_input(key="new_username").input("lou")
    at.text_input(key="new_name").input("Lou Martin")
    at.text_input(key="new_password").input("court")
    at.button(key="FormSubmitter:new_account-Créer le compte").click().run()
    assert "au moins 10 caractères" in texts(at)
    at.text_input(key="new_password").input(PASSWORD)
    at.button(key="FormSubmitter:new_account-Créer le compte").click().run()
    assert not at.exception
    fresh(db)
    lou = db.exec(select(User).where(User.username == "lou")).one()
    assert "Lou Martin (lou)" in texts(at)
    at.button(key=f"deactivate_{lou.id}").click().run()
    fresh(db)
    db.refresh(lou)
    assert lou.deactivated_at is not None
    assert "désactivé" in texts(at)
