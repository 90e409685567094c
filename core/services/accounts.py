"""Facilitator and admin accounts, the first-run setup, and application secrets."""

from __future__ import annotations

import functools
import re
import secrets
import time
from collections.abc import Callable

import bcrypt
import jwt
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.domain.actors import Actor, UserActor
from core.domain.models import NAME_MAX, AppSetting, Collective, Role, User, pk, utcnow
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import limits
from core.services.access import active_user, require_admin, require_user
from core.text.cleaning import clean_text
from core.text.i18n import N_

PASSWORD_MIN = 10
PASSWORD_MAX_BYTES = 72  # bcrypt's limit
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SETUP_CODE_KEY = "setup_code"
COOKIE_KEY = "cookie_key"
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


# --- application secrets --------------------------------------------------------------


def app_secret(session: Session, key: str, factory: Callable[[], str]) -> str:
    """Return the stored value of ``key``, creating it with ``factory`` on first use.

    Safe when several app replicas start together: the first insert wins.
    """
    row = session.get(AppSetting, key)
    if row is not None:
        return row.value
    session.add(AppSetting(key=key, value=factory()))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
    row = session.get(AppSetting, key)
    assert row is not None
    return row.value


def cookie_key(session: Session, configured: str | None) -> str:
    """Return the key signing re-login cookies: from settings, or generated once and stored."""
    if configured:
        return configured
    return app_secret(session, COOKIE_KEY, lambda: secrets.token_urlsafe(48))


# --- the facilitators' re-login cookie --------------------------------------------------

SESSION_COOKIE = "fabrique_session"
_DAY = 86_400.0


def session_token(username: str, key: str, days: float, now: float | None = None) -> str:
    """Return the signed value of a facilitator's re-login cookie, valid ``days`` days
    (HS256 JWT ``{"username", "exp_date"}``: the shape streamlit-authenticator wrote, so
    facilitators signed in before the change stay signed in)."""
    expires = (time.time() if now is None else now) + days * _DAY
    return jwt.encode({"username": username, "exp_date": expires}, key, algorithm="HS256")


def session_username(token: object, key: str, now: float | None = None) -> str | None:
    """Return whom a re-login cookie names, if its signature holds and it has not expired
    (None for anything else: no cookie, another key's, a forged or expired one)."""
    if not isinstance(token, str) or not token or len(token) > 2048:
        return None
    try:
        data = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    username, expires = data.get("username"), data.get("exp_date")
    if not isinstance(username, str) or not isinstance(expires, int | float):
        return None
    return username if expires > (time.time() if now is None else now) else None


# --- first run ------------------------------------------------------------------------


def has_admin(session: Session) -> bool:
    """Tell whether an active admin account exists."""
    statement = select(User.id).where(
        User.role == Role.ADMIN, col(User.deactivated_at).is_(None)
    )
    return session.exec(statement).first() is not None


def _new_setup_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def setup_code(session: Session) -> str | None:
    """Return the one-time code that authorises creating the first admin (None once done).

    The code is shown where the server was started, so only the person who installed
    Fabrique can claim it, even if the app is already reachable on the network.
    """
    if has_admin(session):
        return None
    return app_secret(session, SETUP_CODE_KEY, _new_setup_code)


def _normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def hash_password(password: str) -> str:
    """Return a bcrypt hash of ``password`` after checking the password policy."""
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(
            N_("The password needs at least {min} characters."), min=PASSWORD_MIN
        )
    if len(password.encode("utf-8")) > PASSWORD_MAX_BYTES:
        raise InvalidInput(N_("The password is too long (at most 72 bytes)."))
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


@functools.cache
def _dummy_hash() -> str:
    """A hash checked when the account does not exist, so that the answer takes as long."""
    return bcrypt.hashpw(b"not a password", bcrypt.gensalt()).decode("ascii")


def check_password(password: str, password_hash: str) -> bool:
    """Tell whether ``password`` matches ``password_hash``."""
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


def _clean_username(username: str) -> str:
    value = (username or "").strip().lower()
    if not _USERNAME.match(value):
        raise InvalidInput(
            N_("The username takes 3 to 40 characters: letters, digits, dot, dash or underscore.")
        )
    return value


def _clean_email(email: str | None) -> str | None:
    value = (email or "").strip()
    if not value:
        return None
    if not _EMAIL.match(value) or len(value) > 254:
        raise InvalidInput(N_("This email address does not look right."))
    return value


def _insert_user(session: Session, *, username: str, name: str, password: str,
                 email: str | None, role: Role) -> User:
    """Validate a new account's fields and add it (the caller commits)."""
    user = User(
        username=_clean_username(username),
        name=clean_text(name, max_length=NAME_MAX, multiline=False),
        email=_clean_email(email),
        password_hash=hash_password(password),
        role=Role(role),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise InvalidInput(
            N_("The username {username} is already taken."), username=user.username
        ) from exc
    return user


def create_first_admin(
    *, session: Session, code: str, username: str, name: str, password: str,
    email: str | None = None,
) -> User:
    """Create the first admin, given the setup code printed when the server started.

    Collectives loaded before any account existed (the demo) are given to this admin.
    """
    expected = setup_code(session)
    if expected is None:
        raise PermissionDenied(N_("An administrator already exists: log in instead."))
    if not secrets.compare_digest(_normalize_code(code), _normalize_code(expected)):
        raise PermissionDenied(
            N_("Wrong setup code. Copy the code shown in the terminal where Fabrique started.")
        )
    user = _insert_user(session, username=username, name=name, password=password, email=email,
                        role=Role.ADMIN)
    for collective in session.exec(select(Collective).where(col(Collective.owner_id).is_(None))):
        collective.owner_id = user.id
    setting = session.get(AppSetting, SETUP_CODE_KEY)
    if setting is not None:
        session.delete(setting)
    session.commit()
    return user


# --- managing accounts ----------------------------------------------------------------


def create_user(
    *, session: Session, actor: Actor, username: str, name: str, password: str,
    email: str | None = None, role: Role = Role.FACILITATOR,
) -> User:
    """Create a facilitator (or another admin) account."""
    require_admin(session, actor)
    user = _insert_user(session, username=username, name=name, password=password, email=email,
                        role=role)
    session.commit()
    return user


def list_users(*, session: Session, actor: Actor) -> list[User]:
    """List every account, active first."""
    require_admin(session, actor)
    users = session.exec(select(User).order_by(User.username)).all()
    return sorted(users, key=lambda u: (u.deactivated_at is not None, u.username))


def set_active(*, session: Session, actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate or reactivate an account (accounts are never deleted)."""
    admin = require_admin(session, actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("This account does not exist."))
    if user.id == admin.id and not active:
        raise InvalidInput(N_("You cannot deactivate your own account."))
    user.deactivated_at = None if active else utcnow()
    session.commit()
    return user


def change_password(
    *, session: Session, actor: Actor, user_id: int, new_password: str,
    current_password: str | None = None,
) -> User:
    """Change a password: one's own (with the current one), or anyone's as admin."""
    account = active_user(session, require_user(actor))
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("This account does not exist."))
    if user.id == account.id:
        if not check_password(current_password or "", user.password_hash):
            raise PermissionDenied(N_("The current password is wrong."))
    elif account.role != Role.ADMIN:
        raise PermissionDenied(N_("Only an administrator can do this."))
    user.password_hash = hash_password(new_password)
    session.commit()
    return user


def password_matches(session: Session, username: str, password: str) -> bool:
    """Say whether ``password`` is the active account ``username``'s (bcrypt; an unknown or
    deactivated account answers no, after the same work as a known one)."""
    user = session.exec(select(User).where(User.username == username.strip().lower(),
                                           col(User.deactivated_at).is_(None))).first()
    if user is None:
        check_password(password, _dummy_hash())
        return False
    return check_password(password, user.password_hash)


def operator(session: Session) -> UserActor:
    """Return who acts for the command line: the machine's administrator (the first
    active admin account). Whoever runs ``fabrique`` already holds the database."""
    user = session.exec(select(User).where(User.role == Role.ADMIN,
                                           col(User.deactivated_at).is_(None))
                        .order_by(col(User.id))).first()
    if user is None:
        raise InvalidInput(N_("There is no administrator yet: open Fabrique and create it "
                              "with the setup code first."))
    return UserActor(user_id=pk(user), username=user.username, name=user.name, role=user.role)


def sign_in(session: Session, *, username: str, client: str,
            check_password: Callable[[], bool]) -> bool:
    """Try to sign in as ``username`` from the address ``client``: ``check_password()``
    checks the typed password (the authenticator's work) and says whether it was right.

    Wrong passwords slow the next tries down, counted per client address (up to
    ``limits.CAP_SECONDS``; a right password does not forgive them) and per account (up to
    ``limits.ACCOUNT_CAP_SECONDS``, so that guessing from elsewhere never keeps the
    facilitator out for long); a try made before its wait is over is refused without
    checking the password.
    """
    account = f"sign-in:{username.strip().lower()[:80]}"
    address = f"sign-in:{client}" if client else ""
    if address:
        limits.check(session, "sign-in-address", address)
    limits.check(session, "sign-in-account", account, cap=limits.ACCOUNT_CAP_SECONDS)
    ok = bool(check_password())
    if address and not ok:
        # A right password for some account does not forgive an address its wrong tries
        # (one's own account would otherwise reset a guess at another's).
        limits.record(session, "sign-in-address", address, failed=True)
    # The account's own count: its right password is its owner's, who is forgiven.
    limits.record(session, "sign-in-account", account, failed=not ok)
    return ok


def actor_for_username(session: Session, username: str | None) -> UserActor | None:
    """Return the acting account for a logged-in username (None if unknown or inactive)."""
    if not username:
        return None
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or user.deactivated_at is not None:
        return None
    assert user.id is not None
    return UserActor(user_id=user.id, username=user.username, name=user.name, role=user.role)
