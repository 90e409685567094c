"""How Fabrique starts: the ``fabrique`` console script, the once-per-process start-up
(schema, templates, demo, first-run code) and the demo collective's loader. Outside
``core/``: the domain does not know how it is launched."""
