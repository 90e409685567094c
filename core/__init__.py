"""Fabrique's domain: models, database, services. Pure Python, no Streamlit."""
