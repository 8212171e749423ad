"""Storage: SQLAlchemy models, engine/session handling and Alembic migrations."""

from bot.storage.db import Database, get_database, reset_databases

__all__ = ["Database", "get_database", "reset_databases"]
