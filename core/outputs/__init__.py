"""What Fabrique hands out: the livrable (``livrable``: PDF, DOCX, Markdown of a
synthesis), charts (``charts``), a canvas as a PDF (``canvas_pdf``), the boards and the
follow-up as spreadsheets (``exports``, ``spreadsheet``), join links and QR codes
(``joining``).

The top of ``core``: it reads through the services, and nothing in ``core`` imports it.
"""
