"""Words and numbers of the livrable in the reader's language (Babel), and what every
format says the same way."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal

from core.services.synthesis import ActionLine, ScoreLine, Synthesis
from core.text.cleaning import markdown_text
from core.text.i18n import N_, translate


def t(synthesis: Synthesis, msgid: str, **params: object) -> str:
    """Translate ``msgid`` into the synthesis's language."""
    return translate(synthesis.lang, msgid, **params)


def number(synthesis: Synthesis, value: float | None, digits: int = 2) -> str:
    """Return ``value`` as the reader writes it (4,56 in French), or a dash."""
    if value is None:
        return "—"
    return format_decimal(round(value, digits), format="#,##0." + "0" * digits,
                          locale=synthesis.lang)


def weight(synthesis: Synthesis, value: float) -> str:
    """Return a criterion's weight as written: "3" when whole, "1,5" otherwise."""
    return format_decimal(round(value, 2), format="#,##0.##", locale=synthesis.lang)


def day(synthesis: Synthesis, value: date | datetime | None) -> str:
    """Return a date as the reader writes it (29 nov. 2026)."""
    if value is None:
        return "—"
    return format_date(value, format="medium", locale=synthesis.lang)


def md(text: str) -> str:
    """Escape user text for Markdown (see ``core.text.cleaning.markdown_text``)."""
    return markdown_text(text)


EMPTY = {"needs": N_("No need written yet."), "groups": N_("No group yet."),
         "ideas": N_("No idea yet."), "scoring": N_("Nothing scored yet."),
         "projects": N_("No canvas yet."), "actions": N_("No next step yet."),
         "porteurs": N_("No porteur's project yet."),
         "relation": N_("No diagnostic nor level recorded yet: where each project stands "
                        "with its local authority appears here.")}


def empty(s: Synthesis, section: str) -> str | None:
    """Return what to say when ``section`` holds nothing yet (None when it holds some)."""
    content = {"needs": s.themes, "groups": s.groups, "ideas": s.ideas,
               "scoring": s.scoring, "projects": s.projects, "actions": s.actions,
               "porteurs": s.porteurs.groups if s.porteurs is not None else [],
               "relation": s.relations}
    if section in content and not content[section]:
        return t(s, EMPTY[section])
    return None


def participation_lines(s: Synthesis) -> list[str]:
    """Return the participation figures as sentences."""
    p = s.participation
    lines = []
    if p.workshops > 1:
        lines.append(t(s, N_("{count} workshops."), count=p.workshops))
    if s.porteurs is not None and "needs" not in s.sections:
        # "Chacun son projet": no cards nor ballots, each one's project.
        return [*lines, t(s, N_("{count} participants."), count=p.participants),
                t(s, N_("{projects} projects, carried by {porteurs} porteurs."),
                  projects=s.porteurs.projects, porteurs=s.porteurs.porteurs),
                t(s, N_("{count} next steps."), count=p.actions)]
    lines += [
        t(s, N_("{count} participants."), count=p.participants),
        t(s, N_("{needs} needs and {ideas} ideas written; {supports} times “this concerns "
                "me”."), needs=p.needs, ideas=p.ideas, supports=p.supports),
        t(s, N_("{count} complete ballots."), count=p.ballots),
        t(s, N_("{count} next steps."), count=p.actions),
    ]
    return lines


FLAG_SIGN = "\u26a0"  # after a disagreement worth talking over (the legend says so)


def score_cells(s: Synthesis, line: ScoreLine) -> list[str]:
    """Return a ranking row: rank, title, score, disagreement, needs backing it."""
    flag = f" {FLAG_SIGN}" if line.flagged else ""
    chosen = " ✓" if line.selected else ""
    return [str(line.rank) if line.rank is not None else "—", line.title + chosen,
            number(s, line.score), number(s, line.disagreement) + flag, str(line.backing)]


def score_headers(s: Synthesis) -> list[str]:
    return [t(s, N_("Rank")), t(s, N_("Candidate")), t(s, N_("Weighted score (1–5)")),
            t(s, N_("Disagreement")), t(s, N_("Needs backing it"))]


def action_cells(s: Synthesis, a: ActionLine) -> list[str]:
    """Return a next-step row: what, who, by when, support, status (and its note)."""
    status = a.status + (f" — {a.note}" if a.note else "")
    return [a.what, a.who or "—", day(s, a.due_on), ", ".join(a.supports) or "—", status]


def action_headers(s: Synthesis) -> list[str]:
    return [t(s, N_("What")), t(s, N_("Who")), t(s, N_("By when")),
            t(s, N_("Support wanted")), t(s, N_("Status"))]


def robustness_sentence(s: Synthesis, robust: bool | None) -> str:
    if robust is None:
        return ""
    return t(s, N_("The leader holds when the weights move.")) if robust else t(
        s, N_("The leader changes when a weight moves by one: the ranking is fragile."))


def actions_by_project(s: Synthesis) -> list[tuple[str, list[ActionLine]]]:
    """Return the next steps grouped by project (the collective's own first)."""
    groups: dict[str, list[ActionLine]] = {}
    for a in s.actions:
        groups.setdefault(a.project, []).append(a)
    return [(p or t(s, N_("The collective")), groups[p]) for p in sorted(groups, key=bool)]
