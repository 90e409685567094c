"""One settings object, read from the environment (and an optional ``.env`` file)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_TEMPLATES_DIR = PROJECT_ROOT / "data"


class Settings(BaseSettings):
    """Fabrique's configuration; every field can be set by a ``FABRIQUE_*`` variable."""

    model_config = SettingsConfigDict(
        env_prefix="FABRIQUE_", env_file=".env", extra="ignore", populate_by_name=True
    )

    env: Literal["development", "production"] = "development"
    # Where the embedded SQLite file and generated files live.
    data_dir: Path = PROJECT_ROOT / "var"
    # Any SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user:pw@host/db.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "FABRIQUE_DATABASE_URL")
    )
    # Signs the facilitators' re-login cookie. When absent it is generated on first
    # run and stored in the database, so every app replica shares it.
    cookie_key: SecretStr | None = None
    cookie_expiry_days: float = 30.0
    default_language: Literal["fr", "en"] = "fr"
    load_demo: bool = True
    templates_dir: Path = DATA_TEMPLATES_DIR
    # Database connections per app server. Empty: on SQLite 30 (plus 60 at peaks); on
    # PostgreSQL a share of what the server allows (max_connections less the reserved ones
    # and a margin for the command line, divided among the app servers), never more: a
    # person waits for a connection instead of the database refusing one.
    db_pool_size: int | None = Field(default=None, ge=1, le=500)
    # How many app server processes share the database (`fabrique serve` sets it to the
    # servers it starts; behind a load balancer, the number of servers on every machine).
    app_processes: int = Field(default=1, ge=1, le=200)
    # Seconds between two polls of the projector (`fabrique serve` sets 0.25 on the wall's
    # own server, where it waits behind no one)...
    projector_interval: float = Field(default=0.5, ge=0.1, le=10)
    # ...of the facilitator's live screens (lower: faster updates, more server work)...
    live_interval: float = Field(default=0.5, ge=0.2, le=10)
    # ...and of each participant's screen, which its server wakes (ui/push.py): at once
    # when the workshop moves on, every this many seconds at most when others add cards
    # (longer in a big room: a server refreshes its phones about 25 times a second in all)...
    participant_interval: float = Field(default=1.0, ge=0.2, le=10)
    # ...while each phone itself asks only every this many seconds, in case a wake is lost
    # (a room of phones asking every second would keep a core busy: bench/poll.py).
    participant_poll: float = Field(default=20.0, ge=0.2, le=120)
    # The port of the projector's own app server on this machine (`fabrique serve` starts
    # it and sets this); 0: the projector is served by the same server as everyone else.
    wall_port: int = Field(default=0, ge=0, le=65535)
    # On the projector's own server: the port everyone else uses (for the join address).
    app_port: int = Field(default=0, ge=0, le=65535)
    # On the main server: the ports of the participant servers `fabrique serve
    # --participant-servers N` started ("8503,8504"); participants are sent on to them.
    participant_ports: str = Field(default="", pattern=r"^[0-9, ]*$")
    # How many participant servers `fabrique serve` starts (docs/admin.md, "Big rooms").
    participant_servers: int = Field(default=0, ge=0, le=32)
    # The address participants type or scan to join, e.g. http://192.168.1.20:8501.
    # When empty, the projector shows this machine's local network address.
    public_url: str = ""
    # Behind a reverse proxy, the header holding the client's address (e.g.
    # X-Forwarded-For); empty: the address the app server sees.
    trusted_proxy_header: str = ""
    # Automatic backups made when a workshop ends, kept in the data directory's backups/
    # (0: none).
    backups_kept: int = Field(default=10, ge=0, le=1000)
    # Days a deleted collective can still be brought back before its rows are purged.
    purge_after_days: int = Field(default=30, ge=0, le=3650)

    @property
    def participant_port_list(self) -> list[int]:
        """Return ``participant_ports`` as numbers."""
        return [int(p) for p in self.participant_ports.replace(" ", "").split(",") if p]

    @functools.cached_property
    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to a SQLite file in the data directory."""
        if self.database_url:
            url = self.database_url
            # Hosting platforms hand out postgres:// URLs; we speak psycopg 3.
            for prefix in ("postgres://", "postgresql://"):
                if url.startswith(prefix):
                    return "postgresql+psycopg://" + url[len(prefix) :]
            return url
        return f"sqlite:///{(self.data_dir / 'fabrique.db').resolve()}"


_settings: dict[tuple, Settings] = {}  # by ``_environment()``


def _environment() -> tuple:
    """Return the ``FABRIQUE_*`` and ``DATABASE_URL`` variables, sorted. On POSIX from the
    bytes Python keeps (``os.environ._data``), without decoding every variable: a page run
    asks a dozen times, and decoding them all cost 60 µs a time."""
    raw = getattr(os.environ, "_data", None) if os.name == "posix" else None
    if isinstance(raw, dict):
        return tuple(sorted((k, v) for k, v in raw.items()
                            if k.startswith(b"FABRIQUE_") or k == b"DATABASE_URL"))
    return tuple(sorted((k, v) for k, v in os.environ.items()
                        if k.startswith("FABRIQUE_") or k == "DATABASE_URL"))


def get_settings() -> Settings:
    """Return the settings for the current environment.

    Read once per distinct set of ``FABRIQUE_*``/``DATABASE_URL`` variables: every run and
    every live poll asks, and tests change the environment between app runs. (A change to
    the ``.env`` file needs a restart.)
    """
    key = _environment()
    found = _settings.get(key)
    if found is None:
        found = _settings[key] = Settings()
    return found
