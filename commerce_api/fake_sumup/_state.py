"""The fake's memory: checkouts, refunds, the fault plan. Plain objects, no web imports."""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

__all__ = ["FakeCheckout", "FaultPlan", "Store", "now_iso"]

FaultMode = Literal["none", "error500", "timeout", "decline"]
FAULT_MODES: tuple[str, ...] = ("none", "error500", "timeout", "decline")


def now_iso() -> str:
    """Now as SumUp writes it: ``2026-11-27T12:00:00Z``."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class FakeCheckout:
    """One checkout as SumUp would hold it (amounts as Decimal major units, like SumUp)."""

    id: str
    checkout_reference: str
    amount: Decimal
    currency: str
    merchant_code: str
    description: str | None
    return_url: str | None
    redirect_url: str | None
    hosted_checkout_url: str
    status: str = "PENDING"
    date: str = field(default_factory=now_iso)
    transaction_id: str | None = None
    transaction_code: str | None = None
    transaction_status: str | None = None
    refunded: Decimal = Decimal(0)
    webhook_deliveries: list[dict[str, Any]] = field(default_factory=list)

    def to_api(self) -> dict[str, Any]:
        """The JSON SumUp answers for a checkout."""
        body: dict[str, Any] = {
            "id": self.id,
            "checkout_reference": self.checkout_reference,
            "amount": self.amount,
            "currency": self.currency,
            "merchant_code": self.merchant_code,
            "status": self.status,
            "date": self.date,
            "hosted_checkout": {"enabled": True},
            "hosted_checkout_url": self.hosted_checkout_url,
            "transactions": [],
        }
        if self.description is not None:
            body["description"] = self.description
        if self.return_url is not None:
            body["return_url"] = self.return_url
        if self.redirect_url is not None:
            body["redirect_url"] = self.redirect_url
        if self.transaction_id:
            body["transaction_id"] = self.transaction_id
            body["transaction_code"] = self.transaction_code
            body["transactions"] = [
                {
                    "id": self.transaction_id,
                    "transaction_code": self.transaction_code,
                    "amount": self.amount,
                    "currency": self.currency,
                    "status": self.transaction_status,
                    "timestamp": self.date,
                }
            ]
        return body

    def to_control(self) -> dict[str, Any]:
        """The API view plus what only tests see: refunds and webhook deliveries."""
        return {
            **self.to_api(),
            "refunded_amount": self.refunded,
            "webhook_deliveries": list(self.webhook_deliveries),
        }


@dataclass
class FaultPlan:
    """What the next ``count`` API calls (or payments, for ``decline``) should suffer."""

    mode: str = "none"
    count: int = 0
    delay_seconds: float = 0.0

    def take(self, kind: Literal["api", "payment"]) -> str:
        """Consume one fault for a call of ``kind``; returns the mode to apply (or 'none')."""
        if self.count <= 0 or self.mode == "none":
            return "none"
        applies = self.mode == "decline" if kind == "payment" else self.mode != "decline"
        if not applies:
            return "none"
        self.count -= 1
        return self.mode


class Store:
    """All checkouts in memory, indexed by id, reference and transaction id."""

    def __init__(self) -> None:
        self.checkouts: dict[str, FakeCheckout] = {}
        self._references: dict[tuple[str, str], FakeCheckout] = {}
        """By (merchant code, reference): a create looks its reference up, in constant time."""
        self.faults = FaultPlan()
        self.webhook_envelope: Literal["old", "new"] = "old"
        self.held = 0
        """API calls being held by a ``timeout`` fault right now."""
        self.api_calls: list[str] = []
        """``METHOD /path`` of every authenticated SumUp API call, in order."""

    def reset(self) -> None:
        self.checkouts.clear()
        self._references.clear()
        self.api_calls.clear()
        self.faults = FaultPlan()
        self.webhook_envelope = "old"

    def by_reference(self, merchant_code: str | None, reference: str) -> FakeCheckout | None:
        if merchant_code is not None:
            return self._references.get((merchant_code, reference))
        for checkout in self.checkouts.values():
            if checkout.checkout_reference == reference and (
                merchant_code is None or checkout.merchant_code == merchant_code
            ):
                return checkout
        return None

    def by_transaction(self, transaction_id: str) -> FakeCheckout | None:
        for checkout in self.checkouts.values():
            if checkout.transaction_id == transaction_id:
                return checkout
        return None

    def add(self, checkout: FakeCheckout) -> None:
        self.checkouts[checkout.id] = checkout
        self._references[(checkout.merchant_code, checkout.checkout_reference)] = checkout

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    @staticmethod
    def mark_paid(checkout: FakeCheckout) -> None:
        checkout.status = "PAID"
        checkout.transaction_id = str(uuid.uuid4())
        alphabet = string.ascii_uppercase + string.digits
        checkout.transaction_code = "T" + "".join(secrets.choice(alphabet) for _ in range(9))
        checkout.transaction_status = "SUCCESSFUL"

    @staticmethod
    def mark_failed(checkout: FakeCheckout) -> None:
        checkout.status = "FAILED"
