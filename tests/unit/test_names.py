"""Names: what cannot be seen is dropped; names that look alike share one key."""

import pytest

from core.errors import InvalidInput
from core.names import clean_name, name_key


def test_invisible_and_bidirectional_characters_are_dropped():
    assert clean_name("E\u2060li\u200dse\u00ad") == "Elise"
    assert clean_name("\u202eesilE") == "esilE"  # shown as stored, not reversed
    assert clean_name("Zoé\u3164") == "Zoé"
    assert clean_name("ｍａｒｃ") == "marc"  # NFKC: full-width letters


@pytest.mark.parametrize("name", ["\u2060", "\u3164\u3164", "\u2800", "\u115f", "  ", "—"])
def test_a_name_that_shows_nothing_is_refused(name):
    with pytest.raises(InvalidInput):
        clean_name(name)


def test_look_alikes_share_a_key_and_other_names_do_not():
    assert len({name_key(n) for n in ("Élise", "elise", "ELISE", "\u0415lise", "Еlisе",
                                      "E\u2060lise")}) == 1
    assert name_key("Marc") == name_key("M\u0430rc")  # Cyrillic а
    assert name_key("Olivier") == name_key("0livier")
    assert len({name_key(n) for n in ("Élise", "Élisa", "Marc", "Marco", "Zoé")}) == 5
