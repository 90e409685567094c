"""Explorer: capture the territory's needs, see them by theme, say which concern you."""

from core.models import CardKind
from ui import session
from ui.board import card_board_page

session.page_setup()

card_board_page(CardKind.NEED)
