"""The synthesis as Markdown: headings, lists and tables; user text escaped."""

from __future__ import annotations

from core.i18n import N_
from core.livrable.text import (
    action_cells,
    action_headers,
    actions_by_project,
    day,
    empty,
    md,
    number,
    participation_lines,
    robustness_sentence,
    score_cells,
    score_headers,
    t,
)
from core.services.synthesis import Synthesis


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    cells = [[md(c).replace("  \n", " ") for c in row] for row in rows]
    return ["| " + " | ".join(md(h) for h in headers) + " |",
            "|" + "---|" * len(headers)] + ["| " + " | ".join(r) + " |" for r in cells] + [""]


def write(s: Synthesis) -> str:
    """Return the synthesis as Markdown."""
    out = [f"# {md(s.title)}", "", f"*{md(s.subtitle)} — {md(s.collective)}"
           + (f", {md(s.territory)}" if s.territory else "") + f" — {day(s, s.made_on)}*", ""]
    for section in s.sections:
        out += [f"## {md(s.heading(section))}", ""]
        nothing = empty(s, section)
        if nothing:
            out += [md(nothing), ""]
        elif section == "participation":
            out += [f"- {md(line)}" for line in participation_lines(s)]
            if s.participation.names:
                out.append("- " + md(t(s, N_("Taking part: {names}."),
                                        names=", ".join(s.participation.names))))
            out.append("")
        elif section == "needs":
            for theme in s.themes:
                out += [f"### {md(theme.label)} ({len(theme.needs)})", ""]
                for need in theme.needs:
                    extra = [x for x in (need.source, need.author) if x]
                    concern = f" — {need.supports} ✋" if need.supports else ""
                    out.append(f"- {md(need.text)}"
                               + (f" *({md(', '.join(extra))})*" if extra else "") + concern)
                out.append("")
        elif section == "groups":
            for group in s.groups:
                out += [f"### {md(group.name)}", ""] + [f"- {md(c)}" for c in group.cards] + [""]
        elif section == "ideas":
            for idea in s.ideas:
                out.append(f"- **{md(idea.text)}**")
                out += [f"  - {md(need)}" + (f" *({md(src)})*" if src else "")
                        for need, src in idea.needs]
            out.append("")
        elif section == "scoring":
            for block in s.scoring:
                if len(s.scoring) > 1:
                    out += [f"### {md(block.workshop)}", ""]
                if block.criteria:
                    out.append(md(t(s, N_("Criteria: {list}."), list="; ".join(
                        f"{name} ({number(s, weight, 1)})" for name, weight in block.criteria))))
                    out.append("")
                out += _table(score_headers(s), [score_cells(s, line) for line in block.lines])
                sentence = robustness_sentence(s, block.robust)
                if sentence:
                    out += [md(sentence), ""]
        elif section == "projects":
            for project in s.projects:
                out += [f"### {md(project.title)}", "", f"*{md(project.template)}*", ""]
                for title, text in project.sections:
                    out += [f"#### {md(title)}", "", md(text.strip()) if text.strip() else "—",
                            ""]
        elif section == "actions":
            for project_name, lines in actions_by_project(s):
                out += [f"### {md(project_name)}", ""]
                out += _table(action_headers(s), [action_cells(s, a) for a in lines])
    return "\n".join(out).rstrip() + "\n"
