"""The one signer: HMAC-SHA256 tags (itsdangerous) binding a value to a purpose, so a tag made
for one use (an unsubscribe link, a form's CSRF token) is useless for another.

The tag is itsdangerous' ``Signer`` over ``purpose NUL value`` with ``SECRET_KEY`` as the
HMAC key (no key derivation): exactly the tags this API has always put in emailed links, so
links already in mailboxes keep working.
"""

from __future__ import annotations

import hashlib

from itsdangerous import Signer

__all__ = ["sign", "verify_signature"]


def _signer(secret_key: str) -> Signer:
    return Signer(secret_key, key_derivation="none", digest_method=hashlib.sha256)


def _message(purpose: str, value: str) -> str:
    return f"{purpose}\x00{value}"


def sign(secret_key: str, purpose: str, value: str) -> str:
    """The URL-safe tag for ``value`` in the use ``purpose``."""
    return _signer(secret_key).get_signature(_message(purpose, value)).decode("ascii")


def verify_signature(secret_key: str, purpose: str, value: str, tag: str) -> bool:
    """True when ``tag`` is :func:`sign`'s tag for this value and purpose (compared in
    constant time)."""
    try:
        return _signer(secret_key).verify_signature(_message(purpose, value), tag)
    except UnicodeEncodeError:
        return False
