"""Comments on a canvas's sections: threads with one level of replies, resolved and
reopened. Commenting needs the "comment" right (``core.domain.policy``).

On a porteur's project, what a partner writes during "regards croisés" is private: its
porteurs, its writer and the facilitator see it, until a porteur shares it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.domain import policy
from core.domain.actors import Actor, ParticipantActor
from core.domain.inputs import COMMENT_MAX, CommentCreate
from core.domain.models import Canvas, Comment, pk, utcnow
from core.domain.policy import FACILITATORS, Act, Who
from core.domain.templates import Templates
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services.access import author_of, canvas_for, who_for_canvas
from core.services.canvases import template_of
from core.services.once import insert_once
from core.text.i18n import N_

__all__ = ["COMMENT_MAX", "CommentView", "add_comment", "comments", "set_resolved",
           "share_comment"]


@dataclass(frozen=True)
class CommentView:
    id: int
    section_key: str
    parent_id: int | None
    text: str
    author: str
    created_at: datetime
    resolved: bool
    private: bool = False  # a partner's, seen by the porteurs, its writer, the facilitator


def _sees_private(who: Who) -> bool:
    return who in FACILITATORS or who in (Who.PORTEUR, Who.LINK_EDIT, Who.LINK_COMMENT,
                                          Who.LINK_READ)


def _view(c: Comment) -> CommentView:
    return CommentView(pk(c), c.section_key, c.parent_id, c.text, c.author_name,
                       c.created_at, c.resolved_at is not None, c.private)


def comments(*, session: Session, actor: Actor, canvas_id: int) -> list[CommentView]:
    """Return a canvas's comments, oldest first (replies carry their ``parent_id``)."""
    canvas = canvas_for(session, actor, canvas_id)
    sees_private = _sees_private(who_for_canvas(session, actor, canvas))
    mine = actor.participant_id if isinstance(actor, ParticipantActor) else None
    rows = session.exec(select(Comment).where(Comment.canvas_id == canvas_id,
                                              col(Comment.deleted_at).is_(None))
                        .order_by(col(Comment.id))).all()
    return [_view(c) for c in rows if not c.private or sees_private
            or (mine is not None and c.author_participant_id == mine)]


def add_comment(*, session: Session, actor: Actor, canvas_id: int, section_key: str,
                comment_in: CommentCreate, templates: Templates) -> CommentView:
    """Comment on a section, or reply to a comment of that section."""
    canvas = canvas_for(session, actor, canvas_id, Act.COMMENT_CANVAS)
    private = who_for_canvas(session, actor, canvas) is Who.PARTNER
    if template_of(templates, canvas).section(section_key) is None:
        raise InvalidInput(N_("This canvas has no section {key}."), key=section_key)
    parent_id = comment_in.parent_id
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.canvas_id != canvas_id or (
                parent.section_key != section_key) or parent.deleted_at is not None:
            raise InvalidInput(N_("This comment does not exist."))
        parent_id = parent.parent_id or pk(parent)  # one level of replies
    user_id, participant_id, name = author_of(session, actor)
    comment = Comment(canvas_id=canvas_id, section_key=section_key, parent_id=parent_id,
                      text=comment_in.text, author_user_id=user_id,
                      author_participant_id=participant_id, author_name=name,
                      client_key=comment_in.client_key, private=private)
    comment, _new = insert_once(session, comment, same_author=lambda stored: (
        stored.author_user_id, stored.author_participant_id) == (user_id, participant_id),
        content=lambda row: row.text)
    session.commit()
    return _view(comment)


def set_resolved(*, session: Session, actor: Actor, comment_id: int, resolved: bool) -> None:
    """Mark a comment thread "résolu" (or open it again)."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.deleted_at is not None:
        raise NotFound(N_("This comment does not exist."))
    canvas_for(session, actor, comment.canvas_id, Act.COMMENT_CANVAS)
    comment.resolved_at = (comment.resolved_at or utcnow()) if resolved else None
    session.commit()


def share_comment(*, session: Session, actor: Actor, comment_id: int) -> None:
    """A porteur shares a partner's comment on their project with whoever reads the
    canvas (the synthesis, a teammate's link…)."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.deleted_at is not None:
        raise NotFound(N_("This comment does not exist."))
    canvas = session.get(Canvas, comment.canvas_id)
    if canvas is None or who_for_canvas(session, actor, canvas) not in policy.SHARE_COMMENTS:
        raise PermissionDenied(N_("Only the project's porteurs can share its comments."))
    comment.private = False
    session.commit()
