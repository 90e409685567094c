"""Computations on a room's answers, pure and testable alone: the scores and their spread
(``scoring_math``), where a project stands with its collectivité (``gradient_math``), the
suggested groupings (``grouping``, ``grouping_math``), the groups of projects that read
each other's canvases (``pairing``).

Imports ``core.domain`` and ``core.text``; never a database session.
"""
