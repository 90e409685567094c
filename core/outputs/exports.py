"""A workshop's boards as spreadsheets: its cards, groups, scores (raw and aggregated) and
next steps, one CSV file each or together in a ZIP — for French spreadsheets in French
(``;``, decimal comma, UTF-8 with BOM), no cell ever read as a formula
(``core.outputs.spreadsheet``). For the workshop's facilitator (or an admin). Voters are
"Participant·e 1, 2…" unless the facilitator chooses names."""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.domain.actors import Actor
from core.domain.models import (
    Action,
    Canvas,
    Card,
    CardKind,
    CardLink,
    CardSupport,
    Cluster,
    Participant,
    ProjectStage,
    Score,
    Vote,
    VoteMode,
    pk,
)
from core.domain.templates import Templates
from core.outputs.spreadsheet import csv_bytes
from core.services import projects, scoring
from core.services.access import facilitated_workshop
from core.services.synthesis import STATUS_LABELS
from core.text.i18n import N_, pick, translate

KIND_LABELS = {CardKind.NEED: N_("need"), CardKind.IDEA: N_("idea"),
               CardKind.RESOURCE: N_("resource"), CardKind.ACTOR: N_("actor")}
FILES = ("cards", "groups", "scores", "raw_scores", "actions")
FILE_NAMES = {"fr": {"cards": "cartes", "groups": "groupes", "scores": "scores",
                     "raw_scores": "scores-par-personne", "actions": "prochaines-etapes"},
              "en": {"cards": "cards", "groups": "groups", "scores": "scores",
                     "raw_scores": "scores-per-person", "actions": "next-steps"}}


@dataclass(frozen=True)
class Sheet:
    """One table: its headers (already in the reader's language) and rows."""

    headers: list[str]
    rows: list[list[object]]


def sheets(*, session: Session, actor: Actor, workshop_id: int, templates: Templates,
           lang: str, named: bool = False) -> dict[str, Sheet]:
    """Return the workshop's tables, by key of ``FILES``."""
    workshop = facilitated_workshop(session, actor, workshop_id)

    def t(msgid: str) -> str:
        return translate(lang, msgid)

    cards = session.exec(select(Card).where(Card.workshop_id == workshop_id,
                                            col(Card.deleted_at).is_(None))
                         .order_by(col(Card.id))).all()
    ids = [pk(c) for c in cards]
    groups = session.exec(select(Cluster).where(Cluster.workshop_id == workshop_id,
                                                col(Cluster.deleted_at).is_(None))
                          .order_by(col(Cluster.kind), col(Cluster.position),
                                    col(Cluster.id))).all()
    group_names = {pk(g): g.name for g in groups}
    supports: dict[int, int] = defaultdict(int)
    for card_id in session.exec(select(CardSupport.card_id).where(
            col(CardSupport.card_id).in_(ids), col(CardSupport.withdrawn_at).is_(None))):
        supports[card_id] += 1
    needs_of: dict[int, list[int]] = defaultdict(list)
    for idea_id, need_id in session.exec(select(CardLink.idea_id, CardLink.need_id).where(
            col(CardLink.idea_id).in_(ids), col(CardLink.deleted_at).is_(None))
            .order_by(col(CardLink.need_id))):
        needs_of[idea_id].append(need_id)
    out: dict[str, Sheet] = {}
    out["cards"] = Sheet(
        [t(N_("Number")), t(N_("Kind")), t(N_("Text")), t(N_("Theme")), t(N_("Source")),
         t(N_("In group")), t(N_("It concerns me")), t(N_("Needs it answers")), t(N_("Said by")),
         t(N_("Place")), t(N_("Written on"))],
        [[c.id, t(KIND_LABELS[c.kind]), c.text,
          templates.theme_label(c.theme, lang) if c.theme else "",
          templates.source_label(c.source, lang) if c.source else "",
          group_names.get(c.cluster_id, "") if c.cluster_id else "", supports.get(pk(c), 0),
          ", ".join(f"#{n}" for n in needs_of.get(pk(c), [])), c.author_name, c.place,
          c.created_at.date().isoformat()] for c in cards])
    members: dict[int, list[int]] = defaultdict(list)
    for c in cards:
        if c.cluster_id is not None:
            members[c.cluster_id].append(pk(c))
    out["groups"] = Sheet(
        [t(N_("Group name")), t(N_("Kind")), t(N_("Cards")), t(N_("Card numbers"))],
        [[g.name, t(KIND_LABELS[g.kind]), len(members[pk(g)]),
          ", ".join(f"#{i}" for i in members[pk(g)])] for g in groups])

    board = scoring.scoring_board(session=session, actor=actor, workshop_id=workshop_id,
                                  lang=lang)
    titles = {c.id: c.title for c in board.candidates}
    criteria = {pk(c): pick({"fr": c.name_fr, "en": c.name_en}, lang) for c in board.criteria}
    result = scoring.results(session=session, actor=actor, workshop_id=workshop_id, lang=lang)
    dots = workshop.vote_mode == VoteMode.DOTS
    if dots:
        out["scores"] = Sheet([t(N_("Rank")), t(N_("Candidate")), t(N_("Dots"))],
                              [[rank, titles.get(c, "?"), n] for c, n, rank in result.dots])
    else:
        out["scores"] = Sheet(
            [t(N_("Rank")), t(N_("Candidate")), t(N_("Weighted score")),
             t(N_("Disagreement")), t(N_("I don't know")), *criteria.values()],
            [[r.rank, titles.get(r.candidate, "?"), r.score, r.disagreement, r.abstentions,
              *[r.criterion_means.get(c) for c in criteria]] for r in result.scored])
    voters = session.exec(select(Participant).where(Participant.workshop_id == workshop_id)
                          .order_by(col(Participant.id))).all()
    voter_names = {pk(p): p.display_name if named else
                   translate(lang, N_("Participant {n}"), n=i)
                   for i, p in enumerate(voters, start=1)}
    candidate_ids = list(titles)
    if dots:
        votes = session.exec(select(Vote).where(col(Vote.candidate_id).in_(candidate_ids),
                                                Vote.dots > 0)
                             .order_by(col(Vote.participant_id), col(Vote.candidate_id))).all()
        out["raw_scores"] = Sheet(
            [t(N_("Person")), t(N_("Candidate")), t(N_("Dots"))],
            [[voter_names.get(v.participant_id, "?"), titles.get(v.candidate_id, "?"), v.dots]
             for v in votes])
    else:
        scores = session.exec(select(Score).where(col(Score.candidate_id).in_(candidate_ids))
                              .order_by(col(Score.participant_id), col(Score.candidate_id),
                                        col(Score.criterion_id))).all()
        out["raw_scores"] = Sheet(
            [t(N_("Person")), t(N_("Candidate")), t(N_("Criterion")), t(N_("Score given"))],
            [[voter_names.get(s.participant_id, "?"), titles.get(s.candidate_id, "?"),
              criteria.get(s.criterion_id, "?"),
              s.value if s.value is not None else t(N_("I don't know"))] for s in scores])
    canvases = {c.id: c.title for c in session.exec(
        select(Canvas).where(Canvas.workshop_id == workshop_id))}
    actions = session.exec(select(Action).where(Action.workshop_id == workshop_id,
                                                col(Action.deleted_at).is_(None))
                           .order_by(col(Action.id))).all()
    out["actions"] = Sheet(
        [t(N_("Number")), t(N_("What")), t(N_("Who")), t(N_("By when")), t(N_("Status")),
         t(N_("Project")), t(N_("Support wanted")), t(N_("Where it stands"))],
        [[a.id, a.what, a.who, a.due_on.isoformat() if a.due_on else "",
          t(STATUS_LABELS[a.status]), canvases.get(a.canvas_id, "") if a.canvas_id else "",
          ", ".join(templates.support_label(k, lang) for k in a.support_wanted.split(",") if k),
          a.note] for a in actions])
    return out


def file_name(key: str, lang: str) -> str:
    """Return the CSV file's name for ``key`` in the reader's language."""
    return FILE_NAMES.get(lang, FILE_NAMES["en"])[key] + ".csv"


def csv_file(sheet: Sheet, lang: str) -> bytes:
    """Return one table as a CSV file for the reader's spreadsheet."""
    return csv_bytes(sheet.headers, sheet.rows, lang=lang)


def zip_file(found: dict[str, Sheet], lang: str) -> bytes:
    """Return every table as CSV files in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, sheet in found.items():
            archive.writestr(file_name(key, lang), csv_file(sheet, lang))
    return buffer.getvalue()


FOLLOWUP_HEADERS = (N_("Project"), N_("Porteurs"), N_("Commune"), N_("Stage"),
                    N_("Support wanted"), N_("Interested in the incubation programme"),
                    N_("Sections written"), N_("Last activity"), N_("Follow-up note"),
                    N_("Next meeting"), N_("Contact (given with consent)"), N_("Workshop"),
                    N_("Held on"))


def followup_csv(view: projects.FollowUpView, templates: Templates, lang: str) -> bytes:
    """The follow-up table as a CSV file for the reader's spreadsheet (French: ``;``,
    UTF-8 with BOM; no cell read as a formula)."""
    rows: list[list[object]] = [[
        r.project.pitch, ", ".join(r.project.members), r.project.commune,
        translate(lang, projects.STAGE_LABELS[ProjectStage(r.project.stage)]),
        ", ".join(templates.support_label(k, lang) for k in r.project.supports),
        translate(lang, projects.INTEREST_LABELS.get(r.project.interest, "")) if r.project.interest
        else "", f"{r.filled}/{r.sections}",
        r.last_activity.date() if r.last_activity else "", r.followup_note,
        r.next_meeting_on or "", r.project.contact, r.workshop, r.held_on]
        for r in view.rows]
    return csv_bytes([translate(lang, h) for h in FOLLOWUP_HEADERS], rows, lang=lang)
