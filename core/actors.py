"""Who is acting: a facilitator/admin account, or a participant of one workshop."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Role


@dataclass(frozen=True)
class UserActor:
    """A logged-in facilitator or admin."""

    user_id: int
    username: str
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


@dataclass(frozen=True)
class ParticipantActor:
    """A participant, who may act only inside the workshop they joined."""

    participant_id: int
    workshop_id: int
    name: str


Actor = UserActor | ParticipantActor
