"""The collective's links to its canvases, between sessions: one code per link (read,
comment or edit), made and revoked by the facilitator, and the member acting through it."""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, select

from core.domain import policy
from core.domain.actors import Actor, CollectiveActor, ParticipantActor, UserActor
from core.domain.models import AccessRole, Canvas, CollectiveAccess, Project, pk, utcnow
from core.domain.policy import Act
from core.errors import NotFound, PermissionDenied
from core.services.access import collective_for, collective_member
from core.services.projects import who_for_project
from core.text.cleaning import clean_text
from core.text.i18n import N_

ACCESS_CODE_BYTES = 12


def create_access(*, session: Session, actor: Actor, collective_id: int,
                  role: AccessRole = AccessRole.EDIT) -> CollectiveAccess:
    """Make a new link to the collective's canvases (facilitator)."""
    collective = collective_for(session, actor, collective_id)
    access = CollectiveAccess(collective_id=pk(collective), role=AccessRole(role),
                              code=secrets.token_urlsafe(ACCESS_CODE_BYTES),
                              created_by=actor.user_id if isinstance(actor, UserActor)
                              else None)
    session.add(access)
    session.commit()
    return access


def list_access(*, session: Session, actor: Actor, collective_id: int
                ) -> list[CollectiveAccess]:
    """Return the collective's links still working (facilitator)."""
    collective_for(session, actor, collective_id)
    return list(session.exec(select(CollectiveAccess).where(
        CollectiveAccess.collective_id == collective_id,
        col(CollectiveAccess.revoked_at).is_(None)).order_by(col(CollectiveAccess.id))).all())


def revoke_access(*, session: Session, actor: Actor, access_id: int) -> None:
    """Stop a link from working, at once (facilitator)."""
    access = session.get(CollectiveAccess, access_id)
    if access is None:
        raise NotFound(N_("This link does not exist."))
    collective_for(session, actor, access.collective_id)
    access.revoked_at = access.revoked_at or utcnow()
    session.commit()


def actor_for_code(session: Session, code: str, name: str) -> CollectiveActor | None:
    """Return the member acting through the link ``code`` (None if unknown or revoked)."""
    if not code or len(code) > 40:
        return None
    access = session.exec(select(CollectiveAccess).where(
        CollectiveAccess.code == code, col(CollectiveAccess.revoked_at).is_(None))).first()
    if access is None:
        return None
    return CollectiveActor(access_id=pk(access), collective_id=access.collective_id,
                           role=access.role, name=clean_text(name, max_length=80)
                           if name.strip() else "")


def collective_canvases(*, session: Session, actor: Actor) -> list[Canvas]:
    """List the canvases a member reaches through the collective's link (a teammate's
    link: their project's canvas only; a collective's link: its canvases, not the
    porteurs' own projects)."""
    access = collective_member(session, actor)
    query = select(Canvas).where(Canvas.collective_id == access.collective_id,
                                 col(Canvas.deleted_at).is_(None))
    if access.canvas_id is not None:
        query = query.where(Canvas.id == access.canvas_id)
    else:
        query = query.where(col(Canvas.id).not_in(select(Project.canvas_id)))
    return list(session.exec(query.order_by(col(Canvas.created_at))).all())


def team_link(*, session: Session, actor: Actor, project_id: int) -> CollectiveAccess:
    """The link a porteur hands a teammate: it opens their project's canvas only, to read,
    comment and edit, without an account (made once, then the same one)."""
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only the porteur can hand out their project's link."))
    project = session.get(Project, project_id)
    if project is None or project.deleted_at is not None:
        raise NotFound(N_("This project does not exist."))
    policy.require(who_for_project(session, actor, project), Act.MANAGE_PROJECT)
    existing = session.exec(select(CollectiveAccess).where(
        CollectiveAccess.canvas_id == project.canvas_id,
        CollectiveAccess.made_by_participant_id == actor.participant_id,
        col(CollectiveAccess.revoked_at).is_(None))).first()
    if existing is not None:
        return existing
    access = CollectiveAccess(collective_id=project.collective_id, role=AccessRole.EDIT,
                              code=secrets.token_urlsafe(ACCESS_CODE_BYTES),
                              canvas_id=project.canvas_id,
                              made_by_participant_id=actor.participant_id)
    session.add(access)
    session.commit()
    return access
