"""HTTP Signatures (draft-cavage and RFC 9421 structured fields) and the inbox's activity
parser on broken and hostile input: a verdict or a 400-type error, never an exception that
escapes, never a hang."""

from __future__ import annotations

import asyncio
import json

from hypothesis import example, given
from hypothesis import strategies as st

from federation_server.errors import BadRequest
from federation_server.keys import generate_private_key, public_key_pem
from federation_server.services.inbox import parse_activity
from federation_server.signatures import (
    PublicKeyInfo,
    Verdict,
    sign_request,
    sign_request_rfc9421,
    verify_request,
)
from federation_server.signatures._cavage import parse_signature_header
from tests.fuzz.bounds import bounded, no_hang
from tests.fuzz.strategies import broken, json_values, nested

ACTOR = "https://remote.example/users/alice"
KEY_ID = ACTOR + "#main-key"
INBOX = "https://rose-ash.example.coop/actors/blog/inbox"
KEY = generate_private_key()
FOLLOW = {"id": ACTOR + "/follows/1", "type": "Follow", "actor": ACTOR,
          "object": "https://rose-ash.example.coop/actors/blog"}  # fmt: skip
BODY = json.dumps(FOLLOW).encode()
CAVAGE = sign_request("POST", INBOX, {"Content-Type": "application/activity+json"}, BODY,
                      key_id=KEY_ID, private_key=KEY)  # fmt: skip
RFC9421 = sign_request_rfc9421("POST", INBOX, {"Content-Type": "application/activity+json"},
                               BODY, key_id=KEY_ID, private_key=KEY)  # fmt: skip


async def lookup(key_id: str, *, refresh: bool = False) -> PublicKeyInfo | None:
    return PublicKeyInfo(pem=public_key_pem(KEY), owner=ACTOR) if key_id == KEY_ID else None


# Characters of both grammars (quotes, separators, parameters, byte sequences, digits).
GRAMMAR = st.text(
    alphabet=st.sampled_from(
        [*list('"(),;=:*? -_.@/+#abkdeiyrstxyz0123456789'), "\\", "é", "\x00"]
    ),
    max_size=12,
)


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """``original`` with one span replaced by grammar characters (or other text)."""
    start = draw(st.integers(0, len(original)))
    end = draw(st.integers(start, min(len(original), start + 20)))
    middle = draw(st.one_of(GRAMMAR, st.text(max_size=8)))
    return original[:start] + middle + original[end:]


def verdict(headers: dict[str, str], body: bytes = BODY) -> Verdict:
    with no_hang(headers):
        return asyncio.run(verify_request("POST", INBOX, headers, body, key_lookup=lookup))


def test_the_unbroken_requests_verify() -> None:
    assert verdict(CAVAGE).ok and verdict(RFC9421).ok


@bounded
@given(
    st.one_of(
        mutated(CAVAGE["Signature"]),
        st.text(max_size=200),
        st.lists(
            st.tuples(
                st.sampled_from(
                    ["keyId", "algorithm", "headers", "signature", "created", "expires", "x"]
                ),
                GRAMMAR,
            ),
            max_size=6,
        ).map(lambda ps: ",".join(f'{k}="{v}"' for k, v in ps)),
    ),
    st.sampled_from(["Signature", "Authorization"]),
)
@example('keyId="' + KEY_ID + '",algorithm="hs2019",created=nan,headers="(created)",signature="x"',
         "Signature")  # fmt: skip
def test_cavage_signatures(value: str, header: str) -> None:
    headers = {**CAVAGE, "Signature": value}
    if header == "Authorization":
        headers.pop("Signature")
        headers["Authorization"] = "Signature " + value
    with no_hang(value):
        parsed = parse_signature_header(value)
    assert parsed is None or all(isinstance(k, str) for k in parsed)
    result = verdict(headers)
    assert result.ok or result.reason
    if result.ok:  # only a header the signer could have written still verifies
        assert parsed is not None and parsed.get("signature") is not None


@bounded
@given(
    st.one_of(
        st.tuples(mutated(RFC9421["Signature-Input"]), st.just(RFC9421["Signature"])),
        st.tuples(st.just(RFC9421["Signature-Input"]), mutated(RFC9421["Signature"])),
        st.tuples(GRAMMAR, GRAMMAR),
    ),
    mutated(RFC9421.get("Content-Digest", "")),
)
def test_rfc9421_structured_fields(fields: tuple[str, str], digest: str) -> None:
    signature_input, signature = fields
    headers = {**RFC9421, "Signature-Input": signature_input, "Signature": signature,
               "Content-Digest": digest}  # fmt: skip
    result = verdict(headers)
    assert result.ok or result.reason


@bounded
@given(
    st.one_of(
        broken(FOLLOW).map(lambda d: json.dumps(d).encode()),
        json_values.map(lambda d: json.dumps(d).encode()),
        st.binary(max_size=200),
    )
)
@example(nested(100_000))
@example(b'{"type": "Follow", "actor": "https://a.example/u", "object": ' + nested(70) + b"}")
@example(b'"\\ud800"')
def test_the_inbox_parses_an_activity_or_says_why_not(body: bytes) -> None:
    with no_hang(body[:200]):
        try:
            activity = parse_activity(body)
        except BadRequest as error:
            assert str(error)
            return
    assert isinstance(activity["type"], str) and activity["type"]
    assert str(activity["actor"] if isinstance(activity["actor"], str) else activity["actor"]["id"])
