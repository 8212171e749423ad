"""Per-programme configuration, loaded from ``programmes.yml``."""

from bot.programmes.config import (
    CrisisContact,
    Programme,
    ProgrammeError,
    get_programme,
    load_programmes,
)

__all__ = [
    "CrisisContact",
    "Programme",
    "ProgrammeError",
    "get_programme",
    "load_programmes",
]
