"""HTTP Signatures for ActivityPub: draft-cavage-12 and RFC 9421, signing and verifying.

Pure: ``cryptography`` (and ``http_sf`` for structured fields) only, no web framework or
database, so the inbox, the delivery worker and the tests share one implementation.
"""

from ._auth import HTTPSignatureAuth
from ._cavage import sign_request
from ._digest import content_digest_header, digest_header
from ._rfc9421 import sign_request_rfc9421
from ._verify import KeyLookup, PublicKeyInfo, Verdict, verify_request

__all__ = [
    "HTTPSignatureAuth",
    "KeyLookup",
    "PublicKeyInfo",
    "Verdict",
    "content_digest_header",
    "digest_header",
    "sign_request",
    "sign_request_rfc9421",
    "verify_request",
]
