"""Formalisation canvases: start one from a selected candidate, edit its sections, keep
every saved text as an append-only revision, detect two people saving over each other,
show history and what changed, restore, and tell how complete the canvas is.

Who may read, comment or edit is ``core.domain.policy``'s (through ``access.canvas_for``);
comments are in ``canvas_comments``, the collective's links in ``canvas_links``.

Revisions are never updated nor deleted: the text of a section is its latest revision;
restoring an old text appends it again. Saving states which revision the author started
from (``base_revision_id``); if someone saved in between, nothing is written and the
caller gets both texts to choose or merge (``SaveResult.conflict``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from babel.numbers import format_decimal
from sqlmodel import Session, col, func, select

from core.domain import policy
from core.domain.actors import Actor, ParticipantActor
from core.domain.models import (
    Candidate,
    Canvas,
    CanvasRevision,
    CanvasSending,
    Card,
    CardKind,
    CardLink,
    Cluster,
    Comment,
    Project,
    ProjectMember,
    Workshop,
    WorkshopMode,
    pk,
    utcnow,
)
from core.domain.policy import Act, Where, Who
from core.domain.templates import CanvasTemplate, Templates
from core.errors import InvalidInput, NotFound
from core.services import scoring
from core.services.access import (
    author_of,
    canvas_for,
    canvas_standing,
    facilitated_workshop,
    partners_now,
    workshop_for,
)
from core.text.cleaning import clean_text, markdown_text
from core.text.i18n import N_, translate

SECTION_TEXT_MAX = 10_000
THIN_WORDS = 12  # fewer words than this: a start, not yet an answer
PREFILL_AUTHOR = "Fabrique"


@dataclass(frozen=True)
class RevisionView:
    id: int
    section_key: str
    text: str
    author: str
    created_at: datetime
    prefilled: bool
    base_revision_id: int | None


@dataclass(frozen=True)
class CanvasView:
    canvas: Canvas
    template: CanvasTemplate
    sections: dict[str, RevisionView]  # the latest revision of each section written
    # What the person who asked may do there now (core.domain.policy decides).
    may_edit: bool = False
    may_comment: bool = False
    may_share_comments: bool = False  # a partner's comment, seen by the porteurs only

    def text(self, key: str) -> str:
        latest = self.sections.get(key)
        return latest.text if latest else ""

    def revision_id(self, key: str) -> int | None:
        latest = self.sections.get(key)
        return latest.id if latest else None


@dataclass(frozen=True)
class SaveResult:
    """Either the saved revision, or — someone saved first — their revision (``conflict``),
    nothing being written."""

    saved: RevisionView | None = None
    conflict: RevisionView | None = None
    late: bool = False  # a sending older than one of its browser's already saved: dropped


def _view(revision: CanvasRevision) -> RevisionView:
    return RevisionView(pk(revision), revision.section_key, revision.text, revision.author_name,
                        revision.created_at, revision.prefilled, revision.base_revision_id)


def template_of(templates: Templates, canvas: Canvas) -> CanvasTemplate:
    template = templates.canvases.get(canvas.template_key)
    if template is None:
        raise NotFound(N_("The canvas template {key} is missing from data/canvases."),
                       key=canvas.template_key)
    return template


# --- who writes ----------------------------------------------------------------------


# --- starting a canvas ----------------------------------------------------------------


def list_canvases(*, session: Session, actor: Actor, workshop_id: int) -> list[Canvas]:
    """List the canvases of the workshop's collective (participants: of their workshop)."""
    return list_canvases_in(session, actor, workshop_for(session, actor, workshop_id))


def list_canvases_in(session: Session, actor: Actor, workshop: Workshop) -> list[Canvas]:
    """``list_canvases`` of a workshop the caller has already let ``actor`` see."""
    workshop_id = pk(workshop)
    if isinstance(actor, ParticipantActor) and workshop.mode == WorkshopMode.PROJECTS:
        # A porteur's own project, and their partners' during "regards croisés".
        people = {actor.participant_id} | partners_now(session, workshop, actor.participant_id)
        projects = select(Project.canvas_id).join(
            ProjectMember, col(ProjectMember.project_id) == col(Project.id)).where(
            col(ProjectMember.participant_id).in_(people))
        query = select(Canvas).where(col(Canvas.id).in_(projects))
    elif isinstance(actor, ParticipantActor):
        query = select(Canvas).where(Canvas.workshop_id == workshop_id)
    else:
        query = select(Canvas).where(Canvas.collective_id == workshop.collective_id)
    return list(session.exec(query.where(col(Canvas.deleted_at).is_(None))
                             .order_by(col(Canvas.created_at))).all())


def _needs_evidence(session: Session, candidate: Candidate) -> list[str]:
    """Return the texts of the needs behind a candidate (an idea's linked needs; a group's
    needs, or the needs its ideas answer)."""
    if candidate.card_id is not None:
        card_ids = [candidate.card_id]
    else:
        card_ids = [i for i in session.exec(select(Card.id).where(
            Card.cluster_id == candidate.cluster_id, col(Card.deleted_at).is_(None))).all()
            if i is not None]
    cards = list(session.exec(select(Card).where(col(Card.id).in_(card_ids))).all())
    need_ids = {pk(c) for c in cards if c.kind == CardKind.NEED}
    idea_ids = [pk(c) for c in cards if c.kind == CardKind.IDEA]
    if idea_ids:
        need_ids.update(session.exec(select(CardLink.need_id).where(
            col(CardLink.idea_id).in_(idea_ids), col(CardLink.deleted_at).is_(None))).all())
    needs = session.exec(select(Card).where(col(Card.id).in_(need_ids),
                                            col(Card.deleted_at).is_(None))
                         .order_by(col(Card.id))).all()
    return [n.text for n in needs]


def _candidate_title(session: Session, candidate: Candidate) -> str:
    if candidate.card_id is not None:
        card = session.get(Card, candidate.card_id)
        return card.text if card else ""
    cluster = session.get(Cluster, candidate.cluster_id)
    return cluster.name if cluster else ""


def _scores_evidence(session: Session, actor: Actor, candidate: Candidate,
                     lang: str) -> str:
    board, results = scoring.results_view(session=session, actor=actor,
                                          workshop_id=candidate.workshop_id, lang=lang)
    if results is None:
        return ""
    for result in results.scored:
        if result.candidate == candidate.id and result.score is not None:
            line = translate(lang, N_("Rank {rank} of {total} in the opportunity study, "
                                      "weighted score {score} / 5."),
                             rank=result.rank, total=len(results.scored),
                             # As the results and the synthesis write it (4,56).
                             score=format_decimal(round(result.score, 2), format="#,##0.00",
                                                  locale=lang))
            if result.flagged:
                line += " " + translate(lang, N_("The room disagreed on it: talk it over."))
            return line
    return ""


def start_canvas(*, session: Session, actor: Actor, workshop_id: int, templates: Templates,
                 template_key: str = "", candidate_id: int | None = None, title: str = "",
                 lang: str = "fr") -> Canvas:
    """Start a canvas (facilitator), blank or from a selected candidate: its evidence
    sections are pre-filled from the linked needs and the scoring results, marked so."""
    workshop = facilitated_workshop(session, actor, workshop_id)
    template = (templates.canvases.get(template_key) if template_key
                else templates.default_canvas)
    if template is None:
        raise InvalidInput(N_("Unknown canvas template: {key}."), key=template_key)
    candidate = None
    if candidate_id is not None:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None or candidate.workshop_id != workshop_id or (
                candidate.deleted_at is not None):
            raise InvalidInput(N_("This candidate is not part of this workshop."))
    name = clean_text(title, max_length=200) if title.strip() else (
        _candidate_title(session, candidate)[:200] if candidate else "")
    if not name:
        raise InvalidInput(N_("Give the canvas a title."))
    canvas = Canvas(collective_id=workshop.collective_id, workshop_id=pk(workshop),
                    candidate_id=candidate_id, template_key=template.key, title=name)
    session.add(canvas)
    session.flush()
    if candidate is not None:
        needs = _needs_evidence(session, candidate)
        scores = _scores_evidence(session, actor, candidate, lang)
        # The room's scoring is evidence of the need: with the needs, unless the template
        # gives it a section of its own.
        scores_apart = any(section.evidence == "scores" for section in template.sections)
        for section in template.sections:
            text = ""
            if section.evidence == "needs" and needs:
                heading = translate(lang, N_("Needs heard in the workshop:"))
                text = heading + "\n" + "\n".join(f"- {n}" for n in needs)
                if scores and not scores_apart:
                    text += "\n\n" + scores
            elif section.evidence == "scores" and scores:
                text = scores
            if text:
                session.add(CanvasRevision(canvas_id=pk(canvas), section_key=section.key,
                                           text=text, author_name=PREFILL_AUTHOR,
                                           prefilled=True))
    session.commit()
    return canvas


def delete_canvas(*, session: Session, actor: Actor, canvas_id: int) -> None:
    """Put a canvas in the bin (facilitator; its revisions stay)."""
    canvas = canvas_for(session, actor, canvas_id, Act.MANAGE_COLLECTIVE)
    canvas.deleted_at = canvas.deleted_at or utcnow()
    session.commit()


# --- reading and writing --------------------------------------------------------------


def _latest(session: Session, canvas_id: int) -> dict[str, CanvasRevision]:
    rows = session.exec(select(CanvasRevision).where(CanvasRevision.canvas_id == canvas_id)
                        .order_by(col(CanvasRevision.id))).all()
    return {r.section_key: r for r in rows}


def canvas_view(*, session: Session, actor: Actor, canvas_id: int,
                templates: Templates) -> CanvasView:
    """Return the canvas with the latest text of each section, and what ``actor`` may do
    there."""
    canvas, who, where = canvas_standing(session, actor, canvas_id)
    return canvas_view_in(session, canvas, who, where, templates)


def canvas_view_in(session: Session, canvas: Canvas, who: Who, where: Where,
                   templates: Templates) -> CanvasView:
    """``canvas_view`` of a canvas the caller has already let its reader read, standing
    towards it as ``who`` (``where``: the facts of the moment)."""
    template = template_of(templates, canvas)
    latest = {k: _view(r) for k, r in _latest(session, pk(canvas)).items()}
    return CanvasView(canvas, template, latest,
                      may_edit=policy.allowed(who, Act.EDIT_CANVAS, where),
                      may_comment=policy.allowed(who, Act.COMMENT_CANVAS, where),
                      may_share_comments=who in policy.SHARE_COMMENTS)


def save_section(*, session: Session, actor: Actor, canvas_id: int, section_key: str,
                 text: str, base_revision_id: int | None, templates: Templates,
                 over_own: bool = False, writer: str | None = None,
                 seq: int | None = None) -> SaveResult:
    """Save a section's text as a new revision, unless someone saved since
    ``base_revision_id`` (the revision the author was editing): then nothing is written
    and their revision comes back as ``conflict``. Saving the same text is a no-op.

    ``over_own``: the text is still being typed, and its writer may not yet know of their
    own last save of it (sent a moment before): revisions since the base that are all
    theirs are not a conflict.

    ``writer`` and ``seq``: the browser a text sent while typing comes from, and its rank
    among that browser's sendings (growing). A sending ranked at or below one already saved
    from that browser by this author for this section is late (sent again, overtaken on
    the way, folded into one run with a newer one): nothing is written (``late``), so an
    older text never replaces a newer one typed in the same browser."""
    canvas = canvas_for(session, actor, canvas_id, Act.EDIT_CANVAS)
    if template_of(templates, canvas).section(section_key) is None:
        raise InvalidInput(N_("This canvas has no section {key}."), key=section_key)
    text = clean_text(text, max_length=SECTION_TEXT_MAX) if text.strip() else ""
    # Lock the canvas row (PostgreSQL) so two saves of one section cannot both pass the
    # check; SQLite's write transaction is already exclusive.
    session.exec(select(Canvas.id).where(Canvas.id == canvas_id).with_for_update()).first()
    user_id, participant_id, name = author_of(session, actor)
    writer = writer[:40] if writer and seq is not None else None
    if writer is not None and seq is not None:
        sending = session.get(CanvasSending, (canvas_id, section_key, writer))
        if sending is not None and seq <= sending.seq:
            return SaveResult(late=True)
        # The rank is kept even if the text changes nothing (it may equal the latest): a
        # sending overtaken by this one must find it.
        if sending is None:
            session.add(CanvasSending(canvas_id=canvas_id, section_key=section_key,
                                      writer=writer, seq=seq))
        else:
            sending.seq = seq
    latest = session.exec(select(CanvasRevision).where(
        CanvasRevision.canvas_id == canvas_id, CanvasRevision.section_key == section_key)
        .order_by(col(CanvasRevision.id).desc())).first()
    if latest is not None and latest.text == text:
        session.commit()  # the sending's rank, if any
        return SaveResult(saved=_view(latest))
    if latest is None and base_revision_id is not None:
        raise InvalidInput(N_("This revision does not belong to this section."))
    if latest is not None and pk(latest) != base_revision_id:
        since = session.exec(select(CanvasRevision).where(
            CanvasRevision.canvas_id == canvas_id, CanvasRevision.section_key == section_key,
            col(CanvasRevision.id) > (base_revision_id or 0))).all()
        if not over_own or any((r.author_user_id, r.author_participant_id, r.author_name)
                               != (user_id, participant_id, name) for r in since):
            session.commit()  # the sending's rank: its text is shown as a conflict
            return SaveResult(conflict=_view(latest))
        base_revision_id = pk(latest)
    revision = CanvasRevision(canvas_id=canvas_id, section_key=section_key, text=text,
                              base_revision_id=base_revision_id, author_user_id=user_id,
                              author_participant_id=participant_id, author_name=name,
                              writer=writer, writer_seq=seq if writer is not None else None)
    session.add(revision)
    session.commit()
    return SaveResult(saved=_view(revision))


def canvas_stamp(*, session: Session, actor: Actor, canvas_id: int) -> tuple[object, ...]:
    """Return what changes whenever anyone writes in a canvas (a section, a comment, a
    thread resolved or reopened): two small reads, for pages that follow it live."""
    canvas_for(session, actor, canvas_id)
    latest = session.exec(select(func.max(CanvasRevision.id))
                          .where(CanvasRevision.canvas_id == canvas_id)).one()
    threads = session.exec(select(func.max(Comment.id), func.count(
        col(Comment.resolved_at))).where(Comment.canvas_id == canvas_id,
                                         col(Comment.deleted_at).is_(None))).one()
    return (latest, *threads)


def workshop_stamp(*, session: Session, actor: Actor, workshop_id: int) -> tuple[object, ...]:
    """Return what changes whenever a canvas of the workshop is started or written in (one
    small read, for the wall during "Formaliser")."""
    workshop_for(session, actor, workshop_id)
    return tuple(session.exec(
        select(func.count(func.distinct(Canvas.id)), func.max(CanvasRevision.id))
        .select_from(Canvas)
        .outerjoin(CanvasRevision, col(CanvasRevision.canvas_id) == col(Canvas.id))
        .where(Canvas.workshop_id == workshop_id, col(Canvas.deleted_at).is_(None))).one())


def history(*, session: Session, actor: Actor, canvas_id: int,
            section_key: str | None = None) -> list[RevisionView]:
    """Return the revisions of a canvas (or of one section), newest first."""
    canvas_for(session, actor, canvas_id)
    query = select(CanvasRevision).where(CanvasRevision.canvas_id == canvas_id)
    if section_key is not None:
        query = query.where(CanvasRevision.section_key == section_key)
    return [_view(r) for r in session.exec(query.order_by(col(CanvasRevision.id).desc()))]


def restore(*, session: Session, actor: Actor, revision_id: int,
            templates: Templates) -> RevisionView:
    """Bring back an older text of a section, as a new revision on top of the latest."""
    old = session.get(CanvasRevision, revision_id)
    if old is None:
        raise NotFound(N_("This revision does not exist."))
    canvas_for(session, actor, old.canvas_id, Act.EDIT_CANVAS)
    latest = session.exec(select(CanvasRevision).where(
        CanvasRevision.canvas_id == old.canvas_id,
        CanvasRevision.section_key == old.section_key)
        .order_by(col(CanvasRevision.id).desc())).first()
    result = save_section(session=session, actor=actor, canvas_id=old.canvas_id,
                          section_key=old.section_key, text=old.text,
                          base_revision_id=pk(latest) if latest else None, templates=templates)
    if result.saved is None:  # someone saved this section in the same instant
        raise InvalidInput(N_("Someone has just saved this section: look at it, then "
                              "restore again if you still want to."))
    return result.saved


def changed_since(*, session: Session, actor: Actor, canvas_id: int,
                  since: datetime) -> dict[str, tuple[str, str]]:
    """Return, per section changed after ``since``, its text then and its text now
    ("ce qui a changé depuis la dernière séance")."""
    canvas_for(session, actor, canvas_id)
    rows = session.exec(select(CanvasRevision).where(CanvasRevision.canvas_id == canvas_id)
                        .order_by(col(CanvasRevision.id))).all()
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for row in rows:
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(
            tzinfo=since.tzinfo)
        (after if created > since else before)[row.section_key] = row.text
    return {key: (before.get(key, ""), text) for key, text in after.items()
            if text != before.get(key, "")}


def working_days(*, session: Session, actor: Actor, canvas_id: int) -> list[datetime]:
    """Return the start (midnight UTC) of each day someone saved in the canvas, newest
    first: the sessions a collective can compare against."""
    canvas_for(session, actor, canvas_id)
    stamps = session.exec(select(CanvasRevision.created_at).where(
        CanvasRevision.canvas_id == canvas_id, col(CanvasRevision.prefilled).is_(False))).all()
    days = {s.replace(hour=0, minute=0, second=0, microsecond=0,
                      tzinfo=s.tzinfo or UTC) for s in stamps}
    return sorted(days, reverse=True)


# --- completeness and export ----------------------------------------------------------


def completeness(view: CanvasView) -> dict[str, str]:
    """Return per section "empty", "thin" (under ``THIN_WORDS`` words, or only
    pre-filled) or "done"."""
    states = {}
    for section in view.template.sections:
        latest = view.sections.get(section.key)
        words = len(latest.text.split()) if latest else 0
        if words == 0:
            states[section.key] = "empty"
        elif words < THIN_WORDS or (latest is not None and latest.prefilled):
            states[section.key] = "thin"
        else:
            states[section.key] = "done"
    return states


def markdown(view: CanvasView, lang: str) -> str:
    """Return the canvas as Markdown (title, then each section with its text)."""
    lines = [f"# {markdown_text(view.canvas.title)}", "", f"*{view.template.name(lang)}*", ""]
    for section in view.template.sections:
        lines += [f"## {section.title(lang)}", ""]
        text = view.text(section.key).strip()
        # What people typed stays text: no HTML, link or image from it.
        lines += [markdown_text(text) if text else "—", ""]
    return "\n".join(lines)


