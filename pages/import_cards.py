"""Import cards from a CSV file: preview, column mapping, a report of rejected rows, and
an all-or-nothing import."""

import streamlit as st

from core.domain.models import CardKind
from core.errors import FabriqueError
from core.services.imports import MAX_BYTES, ImportPlan, import_cards, plan_import, read_csv
from ui import calls, legacy_guard, render, startup
from ui.i18n import _, ngettext
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

NONE = ""
PREVIEW_ROWS = 8

screen = open_workshop_screen(_("Import cards"), facilitator=True)
workshop_id, workshop = screen.workshop_id, screen.workshop
templates = startup.templates()
st.html(render.line(workshop.title, size="1.2rem", bold=True))
st.write(_("A CSV file, as a spreadsheet saves it: UTF-8 or Windows-1252, columns separated "
           "by commas or semicolons, one card per row, a first row of column names."))

upload = st.file_uploader(_("CSV file"), type=["csv", "txt"], key="import_file",
                          max_upload_size=MAX_BYTES // (1024 * 1024))  # what the import takes
if upload is None:
    st.stop()
try:
    table = read_csv(upload.getvalue())
except FabriqueError as error:
    calls.show_error(error)
    st.stop()

st.caption(ngettext("{n} row read", "{n} rows read", len(table.rows))
           + f" · {table.encoding} · “{table.delimiter}”")
st.dataframe({name: table.column(name)[:PREVIEW_ROWS] for name in table.columns},
             hide_index=True)

left, middle, right = st.columns(3)
text_column = left.selectbox(_("Card text"), table.columns, key="import_text_column")
optional = [NONE, *table.columns]


def column_label(name: str) -> str:
    return name if name else _("(none)")


theme_column = middle.selectbox(_("Theme (optional)"), optional, key="import_theme_column",
                                format_func=column_label)
source_column = right.selectbox(_("Source (optional)"), optional, key="import_source_column",
                                format_func=column_label)
kind = st.radio(_("Import as"), [CardKind.NEED, CardKind.IDEA], horizontal=True,
                key="import_kind",
                format_func=lambda k: _("Needs") if k == CardKind.NEED else _("Ideas"))

try:
    plan: ImportPlan = plan_import(table, text_column=text_column, templates=templates,
                                   theme_column=theme_column or None,
                                   source_column=source_column or None)
except FabriqueError as error:
    calls.show_error(error)
    st.stop()

ready = ngettext("{n} card ready to import", "{n} cards ready to import", len(plan.drafts))
if plan.blank:
    ready += " · " + ngettext("{n} empty row skipped", "{n} empty rows skipped", plan.blank)
st.success(ready, icon=":material/content_paste:")
skip = False
if plan.problems:
    st.error(ngettext("{n} row cannot be imported:", "{n} rows cannot be imported:",
                      len(plan.problems)), icon=":material/warning:")
    st.dataframe({_("Row"): [p.line for p in plan.problems],
                  _("Why"): [_(p.msgid, **p.params) for p in plan.problems]},
                 hide_index=True)
    skip = st.checkbox(_("Import only the valid rows"), key="import_skip_rejected")

if st.button(_("Import"), type="primary", disabled=bool(plan.problems) and not skip,
             key="import_button"):
    count = calls.call(import_cards, workshop_id=workshop_id, plan=plan,
                         kind=CardKind(kind), skip_rejected=skip)
    if count:
        st.success(ngettext("{n} card imported.", "{n} cards imported.", count),
                   icon=":material/check_circle:")
