"""Where the boards are kept: engines and sessions on SQLite or PostgreSQL (``db``),
the schema's migrations (``migrate``, Alembic's ``migrations/``), backups (``backup``).

Imports ``core.text`` only: the services receive a session and never open one.
"""
