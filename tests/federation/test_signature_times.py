"""draft-cavage ``created``/``expires`` must be Unix times: a correctly signed request whose
``created`` is ``nan`` would otherwise never be too old (no comparison with NaN fails)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from federation_server.keys import generate_private_key, public_key_pem
from federation_server.signatures import PublicKeyInfo, verify_request

ACTOR = "https://remote.example/users/alice"
KEY_ID = ACTOR + "#main-key"
INBOX = "https://rose-ash.example.coop/actors/blog/inbox"
NOW = 1_790_000_000
BODY = b'{"type": "Follow"}'
KEY = generate_private_key()


async def _lookup(key_id: str, *, refresh: bool) -> PublicKeyInfo | None:
    return PublicKeyInfo(pem=public_key_pem(KEY), owner=ACTOR) if key_id == KEY_ID else None


def signed_hs2019(created: str, expires: str | None = None) -> dict[str, str]:
    """An hs2019 request signed over (created) [and (expires)] with exactly these values."""
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    names = ["(request-target)", "host", "(created)", "digest"]
    lines = ["(request-target): post /actors/blog/inbox", "host: rose-ash.example.coop",
             f"(created): {created}", f"digest: {digest}"]  # fmt: skip
    params = f"created={created},"
    if expires is not None:
        names.insert(3, "(expires)")
        lines.insert(3, f"(expires): {expires}")
        params += f"expires={expires},"
    signature = KEY.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    return {
        "Host": "rose-ash.example.coop",
        "Digest": digest,
        "Signature": f'keyId="{KEY_ID}",algorithm="hs2019",{params}'
        f'headers="{" ".join(names)}",signature="{base64.b64encode(signature).decode()}"',
    }


async def verdict_at(headers: dict[str, str], now: float = NOW):
    return await verify_request("POST", INBOX, headers, BODY, key_lookup=_lookup, clock=lambda: now)


async def test_a_unix_time_is_accepted_within_the_window_only() -> None:
    headers = signed_hs2019(str(NOW - 30), str(NOW + 300))
    assert (await verdict_at(headers)).ok
    assert not (await verdict_at(headers, NOW + 7200)).ok


@pytest.mark.parametrize(
    "created", ["nan", "NaN", "inf", "-inf", "Infinity", "1e9", "1_790_000_000", "+1790000000"]
)
async def test_created_that_is_not_a_unix_time_is_refused(created: str) -> None:
    verdict = await verdict_at(signed_hs2019(created))
    assert not verdict.ok
    assert "Unix time" in verdict.reason


@pytest.mark.parametrize("expires", ["nan", "inf", "Infinity"])
async def test_expires_that_is_not_a_unix_time_is_refused(expires: str) -> None:
    verdict = await verdict_at(signed_hs2019(str(NOW), expires))
    assert not verdict.ok
    assert "Unix time" in verdict.reason
