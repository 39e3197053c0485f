"""Actor keys: RSA-2048 generation and PEM (de)serialisation.

Mastodon only accepts RSA keys for HTTP Signatures, so every actor gets one RSA-2048 key.
Private keys are PKCS#8 PEM, encrypted when the caller passes a password; public keys are
SubjectPublicKeyInfo PEM (``-----BEGIN PUBLIC KEY-----``), the form ``publicKeyPem`` carries.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = [
    "KEY_SIZE",
    "generate_private_key",
    "load_private_key",
    "load_public_key",
    "private_key_to_pem",
    "public_key_pem",
]

KEY_SIZE = 2048


def generate_private_key() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 key with the usual public exponent 65537."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def private_key_to_pem(key: rsa.RSAPrivateKey, password: bytes | None = None) -> str:
    """PKCS#8 PEM, encrypted with ``password`` when one is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode("ascii")


def load_private_key(pem: str | bytes, password: bytes | None = None) -> rsa.RSAPrivateKey:
    """Load a PEM private key; ``ValueError`` unless it is an RSA key."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(data, password=password or None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("actor keys must be RSA keys")
    return key


def public_key_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    """The SubjectPublicKeyInfo PEM an actor document publishes as ``publicKeyPem``."""
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    """Load a PEM public key; ``ValueError`` unless it is an RSA key."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("actor keys must be RSA keys")
    return key
