"""Accounts: first admin with the setup code, roles, passwords, cookie key."""

import pytest
from sqlmodel import select

from core.domain.models import Collective, Role, User
from core.errors import InvalidInput, PermissionDenied
from core.services import accounts
from tests.conftest import PASSWORD, join, make_user


def test_first_admin_needs_the_setup_code(session):
    code = accounts.setup_code(session)
    assert code and len(code) == 9
    assert accounts.setup_code(session) == code  # stable until used
    with pytest.raises(PermissionDenied):
        accounts.create_first_admin(session=session, code="AAAA-BBBB", username="anna",
                                    name="Anna", password=PASSWORD)
    assert not accounts.has_admin(session)
    admin = accounts.create_first_admin(session=session, code=code.lower().replace("-", " "),
                                        username="Anna", name="Anna", password=PASSWORD)
    assert (admin.username, admin.role) == ("anna", Role.ADMIN)
    assert admin.password_hash.startswith("$2") and PASSWORD not in admin.password_hash
    assert accounts.setup_code(session) is None
    with pytest.raises(PermissionDenied):
        accounts.create_first_admin(session=session, code=code, username="eve", name="Eve",
                                    password=PASSWORD)


def test_first_admin_receives_ownerless_collectives(session):
    session.add(Collective(name="Démo"))
    session.commit()
    admin = accounts.create_first_admin(session=session, code=accounts.setup_code(session),
                                        username="anna", name="Anna", password=PASSWORD)
    assert session.exec(select(Collective)).one().owner_id == admin.id


@pytest.mark.parametrize(("password", "fragment"), [
    ("court", "at least"),
    ("é" * 40, "too long"),
])
def test_password_policy(session, password, fragment):
    with pytest.raises(InvalidInput) as exc:
        accounts.create_first_admin(session=session, code=accounts.setup_code(session),
                                    username="anna", name="Anna", password=password)
    assert fragment in exc.value.msgid


def test_only_admins_manage_accounts(session, admin, facilitator, running_workshop,
                                     participant):
    created = accounts.create_user(session=session, actor=admin, username="lou", name="Lou",
                                   password=PASSWORD)
    assert created.role == Role.FACILITATOR
    for actor in (facilitator, participant):
        with pytest.raises(PermissionDenied):
            accounts.create_user(session=session, actor=actor, username="mal", name="Mal",
                                 password=PASSWORD)
        with pytest.raises(PermissionDenied):
            accounts.list_users(session=session, actor=actor)
        with pytest.raises(PermissionDenied):
            accounts.set_active(session=session, actor=actor, user_id=created.id, active=False)


def test_username_rules_and_uniqueness(session, admin):
    with pytest.raises(InvalidInput):
        accounts.create_user(session=session, actor=admin, username="a b", name="A",
                             password=PASSWORD)
    accounts.create_user(session=session, actor=admin, username="lou", name="Lou",
                         password=PASSWORD)
    with pytest.raises(InvalidInput) as exc:
        accounts.create_user(session=session, actor=admin, username="LOU", name="Lou 2",
                             password=PASSWORD)
    assert exc.value.params == {"username": "lou"}


def test_deactivated_account_loses_access_at_once(session, admin, facilitator):
    assert accounts.actor_for_username(session, "camille") == facilitator
    accounts.set_active(session=session, actor=admin, user_id=facilitator.user_id, active=False)
    assert accounts.actor_for_username(session, "camille") is None
    assert not accounts.password_matches(session, "camille", PASSWORD)
    from core.services import workshops
    with pytest.raises(PermissionDenied):
        workshops.list_collectives(session=session, actor=facilitator)
    with pytest.raises(InvalidInput):
        accounts.set_active(session=session, actor=admin, user_id=admin.user_id, active=False)


def test_change_password(session, admin, facilitator):
    with pytest.raises(PermissionDenied):
        accounts.change_password(session=session, actor=facilitator,
                                 user_id=facilitator.user_id, new_password="nouveau secret",
                                 current_password="faux")
    accounts.change_password(session=session, actor=facilitator, user_id=facilitator.user_id,
                             new_password="nouveau secret", current_password=PASSWORD)
    user = session.get(User, facilitator.user_id)
    assert accounts.check_password("nouveau secret", user.password_hash)
    with pytest.raises(PermissionDenied):
        accounts.change_password(session=session, actor=facilitator, user_id=admin.user_id,
                                 new_password="nouveau secret")
    accounts.change_password(session=session, actor=admin, user_id=facilitator.user_id,
                             new_password="remis par admin")
    session.refresh(user)
    assert accounts.check_password("remis par admin", user.password_hash)


def test_the_password_of_an_active_account_matches(session, facilitator):
    assert accounts.password_matches(session, "camille", PASSWORD)
    assert accounts.password_matches(session, " Camille ", PASSWORD)
    assert not accounts.password_matches(session, "camille", PASSWORD + "x")
    assert not accounts.password_matches(session, "personne", PASSWORD)


def test_the_re_login_cookie_names_its_facilitator_until_it_expires(session):
    key = accounts.cookie_key(session, None)
    token = accounts.session_token("camille", key, days=30, now=1_000_000)
    other_key = "another key, as long as a real one: 48 random characters"
    assert accounts.session_username(token, key, now=1_000_000 + 29 * 86_400) == "camille"
    assert accounts.session_username(token, key, now=1_000_000 + 31 * 86_400) is None
    assert accounts.session_username(token, other_key, now=1_000_000) is None
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert accounts.session_username(forged, key, now=1_000_000) is None
    for nothing in (None, "", "abc", 42, object()):
        assert accounts.session_username(nothing, key) is None
    # A cookie streamlit-authenticator wrote (same claims, same signature) still opens.
    import jwt
    old = jwt.encode({"username": "camille", "exp_date": 2_000_000.5}, key, algorithm="HS256")
    assert accounts.session_username(old, key, now=1_999_999) == "camille"


def test_cookie_key_generated_once_or_taken_from_settings(session):
    key = accounts.cookie_key(session, None)
    assert len(key) >= 40
    assert accounts.cookie_key(session, None) == key
    assert accounts.cookie_key(session, "from-env") == "from-env"


def test_a_participant_name_is_no_account(session, running_workshop):
    actor = join(session, running_workshop, "zoe")
    assert accounts.actor_for_username(session, actor.name) is None
    make_user(session, "zoe")
    assert accounts.actor_for_username(session, "zoe").username == "zoe"


def test_secrets_are_private_and_the_setup_code_goes_once_spent(tmp_path):
    """The data directory is 0700, the database and the setup code 0600; once the
    administrator exists, the code's file is gone and no code is printed again."""
    import stat

    from core.settings import Settings
    from core.storage.db import dispose_engines, session_scope
    from launch.startup import bootstrap

    data = tmp_path / "var"
    settings = Settings(database_url=f"sqlite:///{data / 'fabrique.db'}", data_dir=data,
                        load_demo=False)
    ready = bootstrap(settings)
    mode = lambda path: stat.S_IMODE(path.stat().st_mode)  # noqa: E731
    assert mode(data) == 0o700
    assert mode(data / "fabrique.db") == 0o600
    assert mode(data / "setup-code.txt") == 0o600
    with session_scope(write=True, url=settings.resolved_database_url) as session:
        accounts.create_first_admin(session=session, code=ready.setup_code, username="root",
                                    name="Root", password=PASSWORD)
    again = bootstrap(settings)
    assert again.setup_code is None
    assert not (data / "setup-code.txt").exists()
    dispose_engines(settings.resolved_database_url)
