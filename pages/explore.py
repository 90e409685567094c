"""Explorer: capture the territory's needs, see them by theme, say which concern you."""

from core.domain.models import CardKind
from ui import legacy_guard
from ui.board import card_board_page

legacy_guard.page_setup()

card_board_page(CardKind.NEED)
