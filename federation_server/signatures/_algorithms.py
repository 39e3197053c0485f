"""Signature algorithms over ``cryptography``: which ones a key can speak, signing and checking.

The names are RFC 9421's (section 3.3). Mastodon only ever uses RSA with PKCS#1 v1.5 and
SHA-256 (``rsa-sha256`` in draft-cavage, ``rsa-v1_5-sha256`` in RFC 9421); the others are
here because ``hs2019`` and RFC 9421 let the key decide.
"""

from __future__ import annotations

import functools

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

__all__ = [
    "PrivateKey",
    "PublicKey",
    "algorithms_for_key",
    "load_public_key",
    "sign_bytes",
    "verify_bytes",
]

PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey

RSA_V1_5_SHA256 = "rsa-v1_5-sha256"
RSA_PSS_SHA512 = "rsa-pss-sha512"
ED25519 = "ed25519"
ECDSA_P256_SHA256 = "ecdsa-p256-sha256"


@functools.lru_cache(maxsize=4096)
def load_public_key(pem: str) -> PublicKey | None:
    """Parse a PEM public key once (actors' keys are verified again and again)."""
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnsupportedAlgorithm, UnicodeEncodeError):
        return None
    if isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        return key
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    return None


def algorithms_for_key(key: PublicKey | PrivateKey) -> tuple[str, ...]:
    """The algorithms a key can verify, the usual one first."""
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return (RSA_V1_5_SHA256, RSA_PSS_SHA512)
    if isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return (ED25519,)
    return (ECDSA_P256_SHA256,)


def sign_bytes(key: PrivateKey, algorithm: str, data: bytes, *, der_ecdsa: bool = False) -> bytes:
    """Sign ``data``; ECDSA gives raw ``r||s`` (RFC 9421) unless ``der_ecdsa`` (draft-cavage)."""
    if algorithm == RSA_V1_5_SHA256 and isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if algorithm == RSA_PSS_SHA512 and isinstance(key, rsa.RSAPrivateKey):
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
        return key.sign(data, pss, hashes.SHA512())
    if algorithm == ED25519 and isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    if algorithm == ECDSA_P256_SHA256 and isinstance(key, ec.EllipticCurvePrivateKey):
        der = key.sign(data, ec.ECDSA(hashes.SHA256()))
        if der_ecdsa:
            return der
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    raise ValueError(f"{algorithm} cannot be used with a {type(key).__name__}")


def verify_bytes(
    key: PublicKey, algorithm: str, data: bytes, signature: bytes, *, der_ecdsa: bool = False
) -> bool:
    """True when ``signature`` over ``data`` verifies with ``key`` under ``algorithm``."""
    try:
        if algorithm == RSA_V1_5_SHA256 and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == RSA_PSS_SHA512 and isinstance(key, rsa.RSAPublicKey):
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=padding.PSS.AUTO)
            key.verify(signature, data, pss, hashes.SHA512())
        elif algorithm == ED25519 and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        elif algorithm == ECDSA_P256_SHA256 and isinstance(key, ec.EllipticCurvePublicKey):
            if not der_ecdsa:
                if len(signature) != 64:
                    return False
                signature = encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                )
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True
