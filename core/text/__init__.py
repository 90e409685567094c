"""Words and text: the interface's translations (``i18n``), cleaning what people type
(``cleaning``), names and their look-alikes (``names``), word-by-word differences
(``wordiff``), reading CSV files (``csvfile``), French stop words (``lang/``).

Imports nothing of Fabrique but ``core.errors`` and ``core.settings``.
"""
