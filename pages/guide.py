"""Aide: the facilitator's guide (French), one part at a time; every screen's "Aide" link
opens its part (``?s=``)."""

import streamlit as st

from ui import guide, legacy_guard
from ui.i18n import _, lang

legacy_guard.page_setup()

intro, sections = guide.guide()
by_key = {section.key: section for section in sections}
PART_KEY, ASKED_KEY = "guide_part", "_guide_asked"
asked = st.query_params.get(guide.PARAM, "")
# A link to another part (a screen's "Aide", a part named in the text) opens that part, even
# when the page was already open on another one.
if asked in by_key and asked != st.session_state.get(ASKED_KEY):
    st.session_state[PART_KEY] = asked
st.session_state.setdefault(PART_KEY, sections[0].key)
st.title(_("Facilitator's guide"))
if lang() != "fr":
    st.info(_("The facilitator's guide is written in French."), icon=":material/translate:")
key = st.selectbox(_("Part of the guide"), list(by_key), key=PART_KEY,
                   format_func=lambda k: by_key[k].title)
if key != asked:  # the address names the part shown: a reload or a shared link keeps it
    st.query_params[guide.PARAM] = key
st.session_state[ASKED_KEY] = key
section = by_key[key]
if key == sections[0].key:
    st.markdown(intro)
st.header(section.title, anchor=section.key)
for block in section.blocks:
    if isinstance(block, guide.Image):
        with st.container(border=True):  # a picture of the app, not the app itself
            st.image(str(block.path), caption=block.caption)
    else:
        st.markdown(block)
st.divider()
st.caption(_("Other parts of the guide"))


def _open(part: str) -> None:
    st.session_state[PART_KEY] = part


for other in sections:
    if other.key != key:
        # A button, not a link to this same page: Streamlit would draw the part asked for
        # but leave the address naming the one before (a reload would go back to it).
        st.button(other.title, key=f"guide_to_{other.key}", icon=":material/menu_book:",
                  type="tertiary", on_click=_open, args=(other.key,))
