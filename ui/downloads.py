"""Downloads of a collective's data, built when the button is pressed (not at each run of
the page): a workshop's spreadsheets (one CSV, or all in a ZIP) and a collective's file
for another Fabrique. Streamlit calls ``data`` outside the page's run, so the acting
person is taken when the page is drawn, and the services check their rights as always."""

from __future__ import annotations

import re

import streamlit as st

from core.domain.actors import Actor
from core.outputs import exports
from core.services import transfer
from core.storage.db import session_scope
from ui import identity, startup
from ui.i18n import _, lang


def _sheets(actor: Actor, workshop_id: int, language: str, named: bool
            ) -> dict[str, exports.Sheet]:
    with session_scope() as session:
        return exports.sheets(session=session, actor=actor, workshop_id=workshop_id,
                              templates=startup.templates(), lang=language, named=named)


def sheet_button(key: str, workshop_id: int, label: str) -> None:
    """A button downloading one of the workshop's spreadsheets (``exports.FILES``)."""
    actor, language = identity.require_actor(), lang()
    st.download_button(
        label, data=lambda: exports.csv_file(
            _sheets(actor, workshop_id, language, False)[key], language),
        file_name=exports.file_name(key, language), mime="text/csv",
        key=f"download_sheet_{key}", icon=":material/table_view:", on_click="ignore")


def sheets_zip_button(workshop_id: int, *, named: bool) -> None:
    """A button downloading every spreadsheet of the workshop in one ZIP."""
    actor, language = identity.require_actor(), lang()
    st.download_button(
        _("Download the spreadsheets (ZIP)"),
        data=lambda: exports.zip_file(_sheets(actor, workshop_id, language, named), language),
        file_name=f"atelier-{workshop_id}-{'tableaux' if language == 'fr' else 'sheets'}.zip",
        mime="application/zip", key="download_sheets_zip", icon=":material/folder_zip:",
        on_click="ignore",
        help=_("Cards, groups, scores (per person and overall) and next steps, for a "
               "spreadsheet."))


def collective_button(collective_id: int, name: str) -> None:
    """A button downloading the collective's file, to import in another Fabrique."""
    actor = identity.require_actor()

    def build() -> bytes:
        with session_scope() as session:
            return transfer.dumps(transfer.export_collective(
                session=session, actor=actor, collective_id=collective_id))

    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "collectif"
    st.download_button(
        _("Download the collective (JSON)"), data=build, file_name=f"{slug}.json",
        mime="application/json", key=f"download_collective_{collective_id}",
        icon=":material/download:", on_click="ignore",
        help=_("Everything of this collective, to open it in another Fabrique (an "
               "incubator's server, another laptop): import it there."))
