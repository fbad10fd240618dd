"""The hall server: FastAPI app, SQLAlchemy models, queue engine. Imports nothing from kiosk or devices."""
