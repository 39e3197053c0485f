"""The one SumUp resource we keep: a checkout, in our own units (minor units, no floats)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, cast, get_args

from ._money import major_to_minor
from .errors import SumUpError

__all__ = ["Checkout", "CheckoutStatus"]

CheckoutStatus = Literal["PENDING", "PAID", "FAILED", "EXPIRED"]
_STATUSES: frozenset[str] = frozenset(get_args(CheckoutStatus))


@dataclass(frozen=True, slots=True)
class Checkout:
    """A SumUp checkout. ``transaction_id`` is set once it is paid (what refunds need)."""

    id: str
    reference: str
    status: CheckoutStatus
    amount_minor: int
    currency: str
    hosted_checkout_url: str | None
    transaction_id: str | None
    transaction_code: str | None = None

    @property
    def is_paid(self) -> bool:
        return self.status == "PAID"

    @classmethod
    def from_api(cls, data: Any) -> Checkout:
        """Parse SumUp's JSON (decoded with ``parse_float=Decimal``)."""
        if not isinstance(data, dict):
            raise SumUpError("SumUp sent a checkout that is not a JSON object")
        try:
            status = str(data["status"]).upper()
            currency = str(data["currency"]).upper()
            amount = data["amount"]
            checkout_id = str(data["id"])
        except KeyError as exc:
            raise SumUpError(f"SumUp checkout lacks {exc.args[0]!r}") from exc
        if status not in _STATUSES:
            raise SumUpError(f"SumUp checkout has an unknown status {status!r}")
        if isinstance(amount, float) or not isinstance(amount, Decimal | int | str):
            raise SumUpError("SumUp checkout amount is not a decimal number")
        try:
            amount_minor = major_to_minor(Decimal(amount), currency)
        except (ValueError, ArithmeticError) as exc:
            raise SumUpError(f"SumUp checkout amount {amount!r} is not usable") from exc
        transaction_id, transaction_code = _successful_transaction(data)
        return cls(
            id=checkout_id,
            reference=str(data.get("checkout_reference") or ""),
            status=cast(CheckoutStatus, status),
            amount_minor=amount_minor,
            currency=currency,
            hosted_checkout_url=_opt_str(data.get("hosted_checkout_url")),
            transaction_id=transaction_id,
            transaction_code=transaction_code,
        )


def _successful_transaction(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """Top-level ``transaction_id``/``transaction_code``, else the successful entry of
    ``transactions[]``."""
    txn_id = _opt_str(data.get("transaction_id"))
    txn_code = _opt_str(data.get("transaction_code"))
    if txn_id:
        return txn_id, txn_code
    for txn in data.get("transactions") or []:
        if isinstance(txn, dict) and str(txn.get("status", "")).upper() in {
            "SUCCESSFUL",
            "REFUNDED",
        }:
            return _opt_str(txn.get("id")), _opt_str(txn.get("transaction_code")) or txn_code
    return None, txn_code


def _opt_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)
