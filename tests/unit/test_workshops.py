"""Collectives, workshops, agenda, join codes and joining."""

import pytest

from core.domain import inputs
from core.domain.models import Participant, WorkshopStatus
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import participants, phases, workshops
from core.services.workshops import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH
from tests.conftest import join


def test_collectives_are_private_to_their_facilitator(session, facilitator, other_facilitator,
                                                      admin, workshop):
    mine = workshops.list_collectives(session=session, actor=facilitator)
    assert [c.name for c in mine] == ["Collectif de Miallet"]
    assert workshops.list_collectives(session=session, actor=other_facilitator) == []
    assert len(workshops.list_collectives(session=session, actor=admin)) == 1
    with pytest.raises(PermissionDenied):
        workshops.list_workshops(session=session, actor=other_facilitator,
                                 collective_id=workshop.collective_id)


def test_workshop_gets_a_readable_code_and_the_formats_agenda(session, facilitator, workshop,
                                                              templates):
    assert len(workshop.join_code) == JOIN_CODE_LENGTH
    assert set(workshop.join_code) <= set(JOIN_CODE_ALPHABET)
    phases = workshops.agenda(session=session, actor=facilitator, workshop_id=workshop.id)
    fmt = templates.formats["soiree-2h"]
    assert [p.title for p in phases] == [p.title.fr for p in fmt.phases]
    assert sum(p.duration_min for p in phases) == 120


def test_codes_are_unique(session, facilitator, workshop, templates):
    codes = {workshop.join_code}
    for i in range(30):
        w = workshops.create_workshop(session=session, actor=facilitator,
                                      collective_id=workshop.collective_id,
                                          workshop_in=inputs.WorkshopCreate(
                                              title=f"A{i}"),
                                      workshop_format=templates.formats["ideation-3h"],
                                      lang="en")
        codes.add(w.join_code)
    assert len(codes) == 31


def test_start_and_end(session, facilitator, workshop):
    started = phases.start(session=session, actor=facilitator,
                                       workshop_id=workshop.id)
    assert (started.status, started.current_phase) == (WorkshopStatus.RUNNING, 0)
    assert started.phase_started_at is not None
    ended = phases.end(session=session, actor=facilitator, workshop_id=workshop.id)
    assert ended.status == WorkshopStatus.ENDED


def test_participant_cannot_run_the_workshop(session, running_workshop, participant, templates):
    with pytest.raises(PermissionDenied):
        phases.end(session=session, actor=participant,
                               workshop_id=running_workshop.id)
    with pytest.raises(PermissionDenied):
        workshops.create_workshop(session=session, actor=participant,
                                  collective_id=running_workshop.collective_id,
                                      workshop_in=inputs.WorkshopCreate(
                                          title="X"),
                                  workshop_format=templates.formats["ideation-3h"], lang="fr")
    with pytest.raises(PermissionDenied):
        participants.list_participants(session=session, actor=participant,
                                       workshop_id=running_workshop.id)


def test_join_by_code_ignores_case_and_spaces(session, running_workshop):
    code = running_workshop.join_code
    messy = f" {code[:3].lower()} {code[3:]} "
    p = participants.join_workshop(session=session, code=messy, display_name="Élise")
    assert p.workshop_id == running_workshop.id


LOOK_ALIKES = ["Élise Dupré", "  elise   dupre ", "ÉLISE DUPRÉ", "E\u2060lise Dupré",
               "El\u200dise Dupré", "Eli\u00adse Dupré", "\u0415lise Dupré",  # Cyrillic Е
               "Еlisе Duprе", "ÉIise Dupré",  # a capital I for the l
               "Élise\ufe0f Dupré", "Éli\u034fse Dupré", "Éli\U000e0100se Dupré",
               "Élise\u180b Dupré", "Éli\U00016fe4se Dupré", "ELISE DUPRE"]


def test_a_name_is_one_persons_and_look_alikes_are_that_name(session, running_workshop):
    code = running_workshop.join_code
    first = participants.join_workshop(session=session, code=code, display_name="Élise Dupré")
    for name in LOOK_ALIKES:
        with pytest.raises(PermissionDenied, match="déjà|already"):
            participants.join_workshop(session=session, code=code, display_name=name)
    # The browser that holds her personal token is her, whatever the spelling.
    again = participants.join_workshop(session=session, code=code,
                                       display_name="  elise   dupre ", token=first.token)
    assert again.id == first.id and again.token == first.token
    with pytest.raises(PermissionDenied):
        participants.join_workshop(session=session, code=code, display_name="Élise Dupré",
                                   token="not-her-token")
    assert participants.actor_for_token(session, first.token).participant_id == first.id
    # Another name is another person.
    other = participants.join_workshop(session=session, code=code, display_name="Élise D.")
    assert other.id != first.id


def test_the_same_press_sent_again_finds_its_participant(session, running_workshop):
    """A join whose answer never reached the browser (the run carrying it stopped): the form
    sends the same key again and gets the same participant back, not "someone already takes
    part as…"; another browser's key does not."""
    code = running_workshop.join_code
    first = participants.join_workshop(session=session, code=code, display_name="Marcel",
                                       join_key="k-press-1")
    again = participants.join_workshop(session=session, code=code, display_name="Marcel",
                                       join_key="k-press-1")
    assert (again.id, again.token) == (first.id, first.token)
    with pytest.raises(PermissionDenied, match="déjà|already"):
        participants.join_workshop(session=session, code=code, display_name="Marcel",
                                   join_key="k-other-phone")


def test_the_same_browser_gets_its_name_back(session, running_workshop):
    """A phone that lost its page (reloaded before the answer came) joins again under its
    name from the same browser: its digest proves it."""
    code = running_workshop.join_code
    first = participants.join_workshop(session=session, code=code, display_name="Paulette",
                                       browser="b" * 64)
    again = participants.join_workshop(session=session, code=code, display_name="paulette",
                                       browser="b" * 64)
    assert again.id == first.id
    for other in ("c" * 64, None):
        with pytest.raises(PermissionDenied):
            participants.join_workshop(session=session, code=code, display_name="Paulette",
                                       browser=other)


@pytest.mark.parametrize("invisible", ["\u2060", "\u200d", "\u00ad", "\u202e", "\u3164",
                                       "\u2800", "\u115f", "\u200d\u2060 \u3164"])
def test_a_name_of_invisible_characters_is_refused(session, running_workshop, invisible):
    with pytest.raises(InvalidInput):
        participants.join_workshop(session=session, code=running_workshop.join_code,
                                   display_name=invisible)


def test_join_refusals(session, facilitator, running_workshop):
    with pytest.raises(NotFound):
        participants.join_workshop(session=session, code="ZZZZZZ", display_name="Eve")
    with pytest.raises(InvalidInput):
        participants.join_workshop(session=session, code=running_workshop.join_code,
                                   display_name="   ")
    phases.end(session=session, actor=facilitator, workshop_id=running_workshop.id)
    with pytest.raises(PermissionDenied):
        participants.join_workshop(session=session, code=running_workshop.join_code,
                                   display_name="Tardif")


def test_unknown_or_removed_token_is_nobody(session, running_workshop):
    assert participants.actor_for_token(session, "nope") is None
    assert participants.actor_for_token(session, None) is None
    marc = join(session, running_workshop, "Marc")
    row = session.get(Participant, marc.participant_id)
    from core.domain.models import utcnow
    row.removed_at = utcnow()
    session.commit()
    assert participants.actor_for_token(session, row.token) is None
    with pytest.raises(PermissionDenied):
        participants.join_workshop(session=session, code=running_workshop.join_code,
                                   display_name="Marc")


def test_facilitator_lists_and_renames_participants(session, facilitator, running_workshop):
    join(session, running_workshop, "Marc")
    zoe = join(session, running_workshop, "Zoé")
    names = [p.display_name for p in participants.list_participants(
        session=session, actor=facilitator, workshop_id=running_workshop.id)]
    assert sorted(names) == ["Marc", "Zoé"]
    participants.rename_participant(session=session, actor=facilitator,
                                    participant_id=zoe.participant_id, display_name="Zoé B.")
    with pytest.raises(InvalidInput):
        participants.rename_participant(session=session, actor=facilitator,
                                        participant_id=zoe.participant_id, display_name="marc")


def test_listing_counts_cards_and_participants(session, facilitator, running_workshop,
                                               templates):
    from core.services import cards
    marc = join(session, running_workshop, "Marc")
    cards.add_card(session=session, actor=marc, workshop_id=running_workshop.id,
                   card_in=inputs.CardCreate(text="Un besoin"), templates=templates)
    (summary,) = workshops.list_workshops(session=session, actor=facilitator,
                                          collective_id=running_workshop.collective_id)
    assert (summary.participants, summary.cards) == (1, 1)


def test_only_the_facilitator_changes_the_agenda(session, facilitator, other_facilitator,
                                                 running_workshop, participant):
    first = workshops.agenda(session=session, actor=participant,
                             workshop_id=running_workshop.id)[0]
    for intruder in (participant, other_facilitator):
        with pytest.raises(PermissionDenied):
            phases.update_phase(session=session, actor=intruder, phase_id=first.id,
                                   phase_in=inputs.PhaseUpdate(title="Pause", duration_min=60))
    session.refresh(first)
    assert first.title == "Accueil"
    with pytest.raises(InvalidInput):
        phases.update_phase(session=session, actor=facilitator, phase_id=first.id,
                               phase_in=inputs.PhaseUpdate(title="Accueil", duration_min=-5))
    changed = phases.update_phase(session=session, actor=facilitator, phase_id=first.id,
                                     phase_in=inputs.PhaseUpdate(title="Accueil café",
                                                                 duration_min=15))
    assert (changed.title, changed.duration_min) == ("Accueil café", 15)
