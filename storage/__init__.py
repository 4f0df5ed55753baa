"""Persistence for the bot: tables, Alembic migrations and the Store (SQLite or PostgreSQL)."""

from storage.errors import (
    ActiveSessionExists,
    AttemptPositionTaken,
    SessionNotActive,
    StoreError,
    StoreUnavailable,
)
from storage.migrate import upgrade_database
from storage.store import Store, open_store

__all__ = [
    "ActiveSessionExists",
    "AttemptPositionTaken",
    "SessionNotActive",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "open_store",
    "upgrade_database",
]
