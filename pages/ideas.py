"""Idées: ideas that answer the needs, each linked to the needs it addresses."""

from core.domain.models import CardKind
from ui import legacy_guard
from ui.board import card_board_page

legacy_guard.page_setup()

card_board_page(CardKind.IDEA)
