"""API keys of the write and admin endpoints: made here, kept only as digests.

An operator runs ``python -m recommender api-key NAME``: the key is printed once
for the caller, and the ``NAME:digest`` entry goes into ``ORIENTATION_API_KEYS``.
The service never stores the key itself (see :mod:`api.security`).
"""

from __future__ import annotations

import hashlib
import re
import secrets

_NAME = re.compile(r"^[A-Za-z0-9._-]{1,40}$")


def hash_key(key: str) -> str:
    """The SHA-256 digest (hex) kept in settings instead of the key itself.

    Keys are 256-bit random tokens (:func:`new_key`), so a plain digest cannot be
    reversed by guessing; no salt or slow hash is needed.

    Examples
    --------
    >>> hash_key("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(name: str) -> tuple[str, str]:
    """A fresh key and the ``name:digest`` entry to put in ``ORIENTATION_API_KEYS``."""
    if not _NAME.match(name):
        raise ValueError(
            f"nom de clé « {name} » invalide : 1 à 40 lettres, chiffres, - _ . seulement"
        )
    key = secrets.token_urlsafe(32)
    return key, f"{name}:{hash_key(key)}"


def key_names(entries: list[str]) -> dict[str, str]:
    """``{digest: name}`` from the ``name:digest`` entries of the settings."""
    names = {}
    for entry in entries:
        name, _, digest = entry.rpartition(":")
        if len(digest) != 64 or not name:
            raise ValueError(f"entrée de clé « {entry[:20]}… » invalide : attendu nom:sha256-hex")
        names[digest.lower()] = name
    return names
