"""Idées: ideas that answer the needs, each linked to the needs it addresses."""

from core.models import CardKind
from ui import session
from ui.board import card_board_page

session.page_setup()

card_board_page(CardKind.IDEA)
