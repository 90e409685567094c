"""Who is acting: a facilitator/admin account, a participant of one workshop, or a member
of a collective coming back to its canvases through the collective's link."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.models import Role


@dataclass(frozen=True)
class UserActor:
    """A logged-in facilitator or admin."""

    user_id: int
    username: str
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


@dataclass(frozen=True)
class ParticipantActor:
    """A participant, who may act only inside the workshop they joined."""

    participant_id: int
    workshop_id: int
    name: str


@dataclass(frozen=True)
class CollectiveActor:
    """A member of a collective coming back between sessions through the collective's link:
    only its canvases, and only what the link allows (read, comment, edit)."""

    access_id: int
    collective_id: int
    role: str
    name: str


Actor = UserActor | ParticipantActor | CollectiveActor
