"""Synthèse: what the room leaves with, for one workshop or the whole collective — at any
time, mid-workshop too. The facilitator picks the sections and whether names appear, reads
it here, and downloads the livrable (PDF, DOCX, Markdown)."""

from __future__ import annotations

import re

import streamlit as st

from core.outputs import charts, livrable
from core.outputs.livrable import document
from core.services import synthesis
from core.services.synthesis import Synthesis
from core.text.cleaning import fold
from ui import calls, downloads, legacy_guard, render, startup
from ui.i18n import _, lang
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

screen = open_workshop_screen(_("Synthesis"), facilitator=True)
templates = startup.templates()
WORKSHOP, COLLECTIVE = "workshop", "collective"

scope_col, names_col = st.columns([2, 1])
scope = scope_col.radio(_("Synthesis of"), [WORKSHOP, COLLECTIVE], horizontal=True,
                        key="synthesis_scope",
                        format_func=lambda s: _("this workshop") if s == WORKSHOP
                        else _("the collective, all its workshops"))
named = names_col.toggle(_("Show participants' names"), value=False, key="synthesis_named",
                         help=_("Off: no participant's name appears (cards, next steps, "
                                "the list of who took part)."))
# What this kind of workshop holds: each porteur's project, or the room's funnel.
offered = list(synthesis.PORTEURS_SECTIONS if screen.state.projects
               else [x for x in synthesis.SECTIONS if x != "porteurs"])
# Kept from a workshop of the other kind: what fits this one (all by default).
st.session_state["synthesis_sections"] = [
    x for x in st.session_state.get("synthesis_sections", offered) if x in offered]
sections = st.multiselect(_("Sections"), offered, key="synthesis_sections",
                          format_func=lambda s: _(synthesis.SECTION_TITLES[s]),
                          placeholder=_("Choose the sections"))
if not sections:
    st.info(_("Choose at least one section."), icon=":material/arrow_upward:")
    st.stop()

found: Synthesis = calls.read(
    synthesis.build, templates=templates, lang=lang(), sections=tuple(sections),
    anonymous=not named, **({"workshop_id": screen.workshop_id} if scope == WORKSHOP else
                            {"collective_id": screen.workshop.collective_id}))

# --- downloads: built when clicked (the page itself stays quick) ---------------------------
# The title's words, accents set aside ("salle des fêtes" → "salle-des-fetes").
slug = re.sub(r"[^a-z0-9]+", "-", fold(found.title)).strip("-")[:40] or "synthese"
pdf_col, docx_col, md_col = st.columns(3)
for column, fmt, label in ((pdf_col, "pdf", _("Download (PDF)")),
                           (docx_col, "docx", _("Download (Word, DOCX)")),
                           (md_col, "md", _("Download (Markdown)"))):
    column.download_button(label, data=lambda fmt=fmt: livrable.write(found, fmt),
                           file_name=f"synthese-{slug}.{fmt}", mime=livrable.MEDIA_TYPES[fmt],
                           key=f"synthesis_download_{fmt}", on_click="ignore",
                           icon=":material/download:")
if scope == WORKSHOP:
    downloads.sheets_zip_button(screen.workshop_id, named=named)

st.html(render.line(document.title(found), size="1.6rem", bold=True)
        + "".join(render.line(line, size="1rem") for line in document.front(found)))

# The sections as the livrable lays them out (core/outputs/livrable/document.py), drawn here.
for block in document.body(found):
    if isinstance(block, document.Heading):
        if block.level == 1:
            st.header(render.md(block.text), divider="orange")
        elif block.level == 2:
            st.subheader(render.md(block.text))
        else:
            st.html(render.line(block.text, bold=True))
    elif isinstance(block, document.Para):
        if block.style == "note":
            st.caption(render.md(block.text))
        else:
            st.html(render.line(block.text, bold=block.style == "strong",
                                size="1.15rem" if block.style == "lead" else "1rem"))
    elif isinstance(block, document.Bullets):
        indent = f"<div style='margin-left:{1.5 * block.level}rem'>"
        st.html(indent + render.bullet_list(list(block.items)) + "</div>")
    elif isinstance(block, document.Table):
        st.html(render.table(block.headers, block.rows, block.align, block.legend))
    elif isinstance(block, document.Chart):
        st.altair_chart(charts.ranking(block.block.results, block.block.titles, lang()),
                        width="stretch", theme=None)
