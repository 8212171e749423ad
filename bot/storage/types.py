"""Column types for a person's own words.

Everything a person writes is stored through :class:`PersonText`. Today it is
plain text; the ``Cipher`` seam is where encryption at rest plugs in later
(key from ``RESTORY_DATA_KEY`` via ``bot.config``) without touching models or
queries.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.types import Text, TypeDecorator


class Cipher(Protocol):
    def encrypt(self, plain: str) -> str: ...

    def decrypt(self, stored: str) -> str: ...


class PlainCipher:
    """No encryption (the default until the encryption issue lands)."""

    def encrypt(self, plain: str) -> str:
        return plain

    def decrypt(self, stored: str) -> str:
        return stored


_cipher: Cipher = PlainCipher()


def set_cipher(cipher: Cipher) -> None:
    """Install the process-wide cipher for person text."""
    global _cipher
    _cipher = cipher


class PersonText(TypeDecorator):
    """Text written by a person; passes through the configured cipher."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else _cipher.encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else _cipher.decrypt(value)
