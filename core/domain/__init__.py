"""What Fabrique is about, without a database session: the tables (``models``), who acts
(``actors``), what forms may hold (``inputs``), who may do what (``policy``), the workshop
templates read from ``data/`` (``templates``), a phase's clock (``timer``).

Imports ``core.text`` and nothing above it.
"""
