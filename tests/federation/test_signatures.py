"""HTTP Signatures: round trips, published vectors, tampering and key rotation."""

from __future__ import annotations

import base64
import hashlib
import json
from email.utils import parsedate_to_datetime

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding

from federation_server.keys import (
    generate_private_key,
    load_private_key,
    private_key_to_pem,
    public_key_pem,
)
from federation_server.signatures import (
    HTTPSignatureAuth,
    PublicKeyInfo,
    sign_request,
    sign_request_rfc9421,
    verify_request,
)

ACTOR = "https://remote.example/users/alice"
KEY_ID = ACTOR + "#main-key"
INBOX = "https://rose-ash.example.coop/actors/blog/inbox"
NOW = 1_790_000_000.0
BODY = json.dumps({"type": "Follow", "actor": ACTOR}).encode()


@pytest.fixture(scope="module")
def key():
    return generate_private_key()


@pytest.fixture(scope="module")
def other_key():
    return generate_private_key()


class Keys:
    """A key store with a stale cache, as the server's lookup has: counts refreshes."""

    def __init__(self, pems: dict[str, str], *, fresh: dict[str, str] | None = None) -> None:
        self.cached = pems
        self.fresh = fresh if fresh is not None else pems
        self.calls: list[tuple[str, bool]] = []

    async def __call__(self, key_id: str, *, refresh: bool) -> PublicKeyInfo | None:
        self.calls.append((key_id, refresh))
        pem = (self.fresh if refresh else self.cached).get(key_id)
        return PublicKeyInfo(pem=pem, owner=ACTOR) if pem else None


def clock(at: float = NOW):
    return lambda: at


def cavage(key, body=BODY, url=INBOX, **kwargs):
    return sign_request("POST", url, {}, body, key_id=KEY_ID, private_key=key, clock=clock())


async def verify(headers, key_store, body=BODY, url=INBOX, method="POST", at=NOW):
    return await verify_request(method, url, headers, body, key_lookup=key_store, clock=clock(at))


async def test_cavage_round_trip_signs_what_mastodon_expects(key):
    headers = cavage(key)
    assert headers["Host"] == "rose-ash.example.coop"
    assert (
        headers["Digest"] == "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    )
    assert 'algorithm="rsa-sha256"' in headers["Signature"]
    assert 'headers="(request-target) host date digest"' in headers["Signature"]
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}))
    assert verdict.ok, verdict.reason
    assert (verdict.key_id, verdict.owner, verdict.actor) == (KEY_ID, ACTOR, ACTOR)
    assert verdict.scheme == "draft-cavage"


async def test_verifier_accepts_a_path_and_host_instead_of_a_url(key):
    headers = cavage(key)
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}), url="/actors/blog/inbox")
    assert verdict.ok, verdict.reason


async def test_rfc9421_round_trip(key):
    headers = sign_request_rfc9421(
        "POST", INBOX, {}, BODY, key_id=KEY_ID, private_key=key, clock=clock()
    )
    assert headers["Content-Digest"].startswith("sha-256=:")
    assert headers["Signature-Input"].startswith('sig1=("@method" "@target-uri"')
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}))
    assert verdict.ok, verdict.reason
    assert verdict.scheme == "rfc9421"


async def test_rfc9421_tampered_body_or_stale_created_is_refused(key):
    headers = sign_request_rfc9421(
        "POST", INBOX, {}, BODY, key_id=KEY_ID, private_key=key, clock=clock()
    )
    keys = Keys({KEY_ID: public_key_pem(key)})
    tampered = await verify(headers, keys, body=BODY + b" ")
    assert not tampered.ok and "Content-Digest" in tampered.reason
    stale = await verify(headers, keys, at=NOW + 2 * 3600)
    assert not stale.ok and "hour" in stale.reason
    moved = await verify(headers, keys, url="https://rose-ash.example.coop/actors/market/inbox")
    assert not moved.ok


async def test_rfc9421_post_without_content_digest_is_refused(key):
    headers = sign_request_rfc9421(
        "POST",
        INBOX,
        {},
        BODY,
        key_id=KEY_ID,
        private_key=key,
        components=("@method", "@target-uri"),
        clock=clock(),
    )
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}))
    assert not verdict.ok and "content-digest" in verdict.reason


async def test_httpx_auth_signs_outgoing_requests(key):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202)

    auth = HTTPSignatureAuth(KEY_ID, key, clock=clock())
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=auth) as client:
        await client.post(
            INBOX, content=BODY, headers={"Content-Type": "application/activity+json"}
        )
    request = seen[0]
    verdict = await verify(
        request.headers, Keys({KEY_ID: public_key_pem(key)}), url=str(request.url)
    )
    assert verdict.ok, verdict.reason


async def test_httpx_auth_can_sign_rfc9421_too(key):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202)

    auth = HTTPSignatureAuth(KEY_ID, key, scheme="rfc9421", clock=clock())
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=auth) as client:
        await client.post(INBOX, content=BODY)
    assert "signature-input" in seen[0].headers and "content-digest" in seen[0].headers
    keys = Keys({KEY_ID: public_key_pem(key)})
    verdict = await verify(seen[0].headers, keys, url=str(seen[0].url))
    assert verdict.ok and verdict.scheme == "rfc9421", verdict.reason


async def test_mastodon_shaped_request_with_request_target_last(key):
    """Mastodon signs every header but User-Agent and Accept-Encoding, request target last."""
    date = "Sat, 21 Sep 2026 08:53:20 GMT"
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    signed = (
        "host: rose-ash.example.coop\n"
        f"date: {date}\n"
        f"digest: {digest}\n"
        "content-type: application/activity+json\n"
        "(request-target): post /actors/blog/inbox"
    )
    signature = base64.b64encode(
        key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    ).decode()
    headers = [
        ("Host", "rose-ash.example.coop"),
        ("User-Agent", "http.rb/5.2.0 (Mastodon/4.4.0; +https://remote.example/)"),
        ("Date", date),
        ("Digest", digest),
        ("Content-Type", "application/activity+json"),
        (
            "Signature",
            f'keyId="{KEY_ID}",algorithm="rsa-sha256",'
            f'headers="host date digest content-type (request-target)",signature="{signature}"',
        ),
    ]
    at = parsedate_to_datetime(date).timestamp() + 2
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}), at=at)
    assert verdict.ok, verdict.reason


async def test_hs2019_with_created_pseudo_header(key):
    created = int(NOW) - 30
    signed = (
        "(request-target): post /actors/blog/inbox\n"
        "host: rose-ash.example.coop\n"
        f"(created): {created}\n"
        f"digest: SHA-256={base64.b64encode(hashlib.sha256(BODY).digest()).decode()}"
    )
    signature = base64.b64encode(
        key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    ).decode()
    headers = {
        "Host": "rose-ash.example.coop",
        "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode(),
        "Signature": f'keyId="{KEY_ID}",algorithm="hs2019",created={created},'
        f'headers="(request-target) host (created) digest",signature="{signature}"',
    }
    keys = Keys({KEY_ID: public_key_pem(key)})
    verdict = await verify(headers, keys)
    assert verdict.ok, verdict.reason
    assert not (await verify(headers, keys, at=created + 7200)).ok


async def test_created_pseudo_header_is_refused_with_rsa_sha256(key):
    headers = cavage(key)
    headers["Signature"] = headers["Signature"].replace(
        'headers="(request-target) host date digest"',
        f'created={int(NOW)},headers="(request-target) host (created) digest"',
    )
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}))
    assert not verdict.ok and "hs2019" in verdict.reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h: h.__setitem__("Digest", "SHA-256=" + "A" * 43 + "="), "Digest"),
        (lambda h: h.__setitem__("Date", "Sat, 01 Jan 2000 00:00:00 GMT"), "hour"),
        (lambda h: h.__setitem__("Date", "yesterday"), "not a date"),
        (lambda h: h.__setitem__("Host", "evil.example"), "does not verify"),
        (lambda h: h.pop("Signature"), "not signed"),
        (lambda h: h.__setitem__("Signature", "garbage"), "parsed"),
    ],
    ids=["digest", "old-date", "bad-date", "host", "unsigned", "garbage"],
)
async def test_tampered_cavage_requests_are_refused(key, change, reason):
    headers = cavage(key)
    change(headers)
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}))
    assert not verdict.ok
    assert reason in verdict.reason


async def test_tampered_body_is_refused(key):
    headers = cavage(key)
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}), body=BODY + b"x")
    assert not verdict.ok and "Digest" in verdict.reason


@pytest.mark.parametrize(
    ("signed", "missing"),
    [
        ("host date digest", "(request-target)"),
        ("(request-target) date digest", "host"),
        ("(request-target) host digest", "date"),
        ("(request-target) host date", "digest"),
    ],
)
async def test_post_must_sign_the_required_headers(key, signed, missing):
    headers = cavage(key)
    headers["Signature"] = headers["Signature"].replace("(request-target) host date digest", signed)
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}))
    assert not verdict.ok and missing in verdict.reason


async def test_header_order_is_taken_from_the_signature(key):
    order = ["digest", "date", "(request-target)", "host"]
    headers = cavage(key)
    target = "post /actors/blog/inbox"
    values = {"(request-target)": target, "host": headers["Host"]}
    values |= {"date": headers["Date"], "digest": headers["Digest"]}
    signed = "\n".join(f"{name}: {values[name]}" for name in order)
    signature = base64.b64encode(
        key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    ).decode()
    # No algorithm (so hs2019), and the parameters themselves in another order.
    headers["Signature"] = f'signature="{signature}", headers="{" ".join(order)}", keyId="{KEY_ID}"'
    verdict = await verify(headers, Keys({KEY_ID: public_key_pem(key)}))
    assert verdict.ok, verdict.reason


async def test_wrong_key_is_refused_after_one_refresh(key, other_key):
    keys = Keys({KEY_ID: public_key_pem(other_key)})
    verdict = await verify(cavage(key), keys)
    assert not verdict.ok and "does not verify" in verdict.reason
    assert keys.calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_rotated_key_is_fetched_again_once(key, other_key):
    keys = Keys({KEY_ID: public_key_pem(other_key)}, fresh={KEY_ID: public_key_pem(key)})
    verdict = await verify(cavage(key), keys)
    assert verdict.ok, verdict.reason
    assert keys.calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_unknown_key_and_failing_lookup_are_verdicts_not_errors(key):
    assert "not found" in (await verify(cavage(key), Keys({}))).reason

    async def broken(key_id: str, *, refresh: bool) -> PublicKeyInfo | None:
        raise httpx.ConnectError("down")

    verdict = await verify(cavage(key), broken)
    assert not verdict.ok and "could not be fetched" in verdict.reason


async def test_unsigned_rfc9421_garbage_is_refused(key):
    headers = {"Signature-Input": "sig1=(", "Signature": "sig1=:AAAA:"}
    verdict = await verify(headers, Keys({}))
    assert not verdict.ok and "structured" in verdict.reason


def test_keys_round_trip_through_pem_with_and_without_password(key):
    assert load_private_key(private_key_to_pem(key)).private_numbers() == key.private_numbers()
    encrypted = private_key_to_pem(key, password=b"secret")
    assert "ENCRYPTED" in encrypted
    assert load_private_key(encrypted, password=b"secret").key_size == 2048
    assert public_key_pem(key).startswith("-----BEGIN PUBLIC KEY-----")


# --- Published vectors -----------------------------------------------------------------

# draft-cavage-http-signatures-12, Appendix C: the "Test" key and request.
CAVAGE_PUBLIC = """-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----
"""
CAVAGE_HEADERS = {
    "Host": "example.com",
    "Date": "Sun, 05 Jan 2014 21:31:40 GMT",
    "Content-Type": "application/json",
    "Digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
    "Content-Length": "18",
}
CAVAGE_NOW = 1388957500.0  # 2014-01-05 21:31:40 UTC


async def test_cavage_appendix_c3_all_headers_vector():
    signature = (
        "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52"
        "LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE="
    )
    headers = CAVAGE_HEADERS | {
        "Signature": 'keyId="Test",algorithm="rsa-sha256",'
        'headers="(request-target) host date content-type digest content-length",'
        f'signature="{signature}"'
    }
    keys = Keys({"Test": CAVAGE_PUBLIC})
    body = b'{"hello": "world"}'
    verdict = await verify(headers, keys, body=body, url="/foo?param=value&pet=dog", at=CAVAGE_NOW)
    assert verdict.ok, verdict.reason
    forged = await verify(headers, keys, body=body, url="/foo?param=value&pet=cat", at=CAVAGE_NOW)
    assert not forged.ok


async def test_cavage_appendix_c2_basic_vector_is_refused_on_post_for_lack_of_digest():
    signature = (
        "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3"
        "HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="
    )
    headers = CAVAGE_HEADERS | {
        "Signature": 'keyId="Test",algorithm="rsa-sha256",'
        f'headers="(request-target) host date",signature="{signature}"'
    }
    keys = Keys({"Test": CAVAGE_PUBLIC})
    args = dict(body=b'{"hello": "world"}', url="/foo?param=value&pet=dog", at=CAVAGE_NOW)
    verdict = await verify(headers, keys, **args)
    assert not verdict.ok and "digest must be signed" in verdict.reason
    assert keys.calls == [], "a request refused by policy never costs a key fetch"


# RFC 9421 Appendix B: the test request and the keys of B.1.2 and B.1.4.
RFC_PSS_PUBLIC = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----
"""
RFC_ED25519_PRIVATE = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
"""
RFC_ED25519_PUBLIC = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
"""
RFC_HEADERS = {
    "Host": "example.com",
    "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
    "Content-Type": "application/json",
    "Content-Digest": "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNN"
    "yealdVLvRwEmTHWXvJwew==:",
    "Content-Length": "18",
}
RFC_URL = "https://example.com/foo?param=Value&Pet=dog"
RFC_BODY = b'{"hello": "world"}'
RFC_CREATED = 1618884473


async def test_rfc9421_appendix_b23_full_coverage_rsa_pss_vector():
    headers = RFC_HEADERS | {
        "Signature-Input": 'sig-b23=("date" "@method" "@path" "@query" "@authority" '
        '"content-type" "content-digest" "content-length");created=1618884473'
        ';keyid="test-key-rsa-pss"',
        "Signature": "sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh"
        "1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1T"
        "P/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6"
        "A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZK"
        "EgM4cUA==:",
    }
    keys = Keys({"test-key-rsa-pss": RFC_PSS_PUBLIC})
    verdict = await verify(headers, keys, body=RFC_BODY, url=RFC_URL, at=RFC_CREATED + 5)
    assert verdict.ok, verdict.reason
    other_query = await verify(
        headers, keys, body=RFC_BODY, url=RFC_URL.replace("dog", "cat"), at=RFC_CREATED + 5
    )
    assert not other_query.ok


def test_rfc9421_appendix_b26_ed25519_signature_base_and_signature_are_byte_exact():
    """Ed25519 is deterministic, so our signer must reproduce the RFC's signature exactly."""
    key = serialization.load_pem_private_key(RFC_ED25519_PRIVATE.encode(), None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    headers = sign_request_rfc9421(
        "POST",
        RFC_URL,
        RFC_HEADERS,
        None,
        key_id="test-key-ed25519",
        private_key=key,
        components=("date", "@method", "@path", "@authority", "content-type", "content-length"),
        label="sig-b26",
        clock=clock(RFC_CREATED),
    )
    assert headers["Signature-Input"] == (
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length")'
        ';created=1618884473;keyid="test-key-ed25519"'
    )
    assert headers["Signature"] == (
        "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5W"
        "PpBKRCw==:"
    )


async def test_rfc9421_appendix_b26_is_refused_on_post_for_lack_of_content_digest():
    headers = RFC_HEADERS | {
        "Signature-Input": 'sig-b26=("date" "@method" "@path" "@authority" "content-type" '
        '"content-length");created=1618884473;keyid="test-key-ed25519"',
        "Signature": "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w"
        "6vuQv5lIp5WPpBKRCw==:",
    }
    keys = Keys({"test-key-ed25519": RFC_ED25519_PUBLIC})
    verdict = await verify(headers, keys, body=RFC_BODY, url=RFC_URL, at=RFC_CREATED)
    assert not verdict.ok and "content-digest" in verdict.reason
