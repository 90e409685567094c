"""Errors raised by core services, carrying a translatable message."""

from __future__ import annotations

from typing import Any


class FabriqueError(Exception):
    """A refusal a person should read: ``msgid`` is translated by the UI with ``params``."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid.format(**params) if params else msgid)


class PermissionDenied(FabriqueError):
    """The acting user or participant may not do this."""


class NotFound(FabriqueError):
    """The thing asked for does not exist (or is not visible to the actor)."""


class InvalidInput(FabriqueError):
    """Input that cannot be accepted as typed."""


class TemplateError(FabriqueError):
    """A template file in ``data/`` is malformed."""


class DatabaseUnavailable(FabriqueError):
    """The database did not answer (restarting, unreachable, busy too long): nothing was
    written by this call; the same call may work a moment later."""
