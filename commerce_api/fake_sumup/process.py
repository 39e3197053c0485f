"""Run the fake as a real process on loopback, and drive its control API (tests, serve, bench)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

__all__ = ["FakeSumUpProcess"]

_REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeSumUpProcess:
    """``python -m commerce_api.fake_sumup`` as a child process, plus its control calls.

    ``url`` is the base URL to give a ``SumUpClient`` (and ``SUMUP_API_URL``).
    """

    def __init__(
        self, *, port: int | None = None, host: str = "127.0.0.1", api_key: str | None = None
    ) -> None:
        self.host = host
        self.port = port or _free_port()
        self.api_key = api_key
        self.url = f"http://{host}:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None
        self._control = httpx.Client(base_url=self.url, timeout=10)

    # -- lifetime ---------------------------------------------------------------------------

    def start(self, *, ready_timeout: float = 60.0) -> FakeSumUpProcess:
        """Start the process and wait until ``/_fake/health`` answers."""
        cmd = [sys.executable, "-m", "commerce_api.fake_sumup", "--host", self.host]
        cmd += ["--port", str(self.port)]
        if self.api_key:
            cmd += ["--api-key", self.api_key]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Own session: a Ctrl-C meant for the parent does not kill it mid-teardown.
        self._proc = subprocess.Popen(cmd, cwd=_REPO_ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + ready_timeout
        while True:
            if self._proc.poll() is not None:
                raise RuntimeError(f"fake SumUp exited with {self._proc.returncode} on start")
            try:
                if self._control.get("/_fake/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"fake SumUp did not answer on {self.url}")
            time.sleep(0.05)

    @property
    def pid(self) -> int | None:
        """The process id while it runs (the soak bench reads its memory)."""
        return self._proc.pid if self._proc is not None else None

    def stop(self) -> None:
        """Terminate the process (kill it if it does not stop within 5 s)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self._control.close()

    def __enter__(self) -> FakeSumUpProcess:
        return self.start() if self._proc is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- control API ------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._control.request(method, path, json=body)
        response.raise_for_status()
        return response.json(parse_float=Decimal)

    def reset(self) -> None:
        """Forget every checkout, clear faults, back to the old webhook envelope."""
        self._call("POST", "/_fake/reset")

    def set_fault(self, mode: str, *, count: int = 1, delay_seconds: float = 0.0) -> None:
        """``error500`` / ``timeout`` (API calls) or ``decline`` (payments), ``count`` times."""
        self._call(
            "POST", "/_fake/faults", {"mode": mode, "count": count, "delay_seconds": delay_seconds}
        )

    def set_webhook_envelope(self, envelope: str) -> None:
        """``old`` ({event_type: CHECKOUT_STATUS_CHANGED, id}) or ``new`` (checkout.status...)."""
        self._call("POST", "/_fake/config", {"webhook_envelope": envelope})

    def checkouts(self) -> list[dict[str, Any]]:
        """Every checkout, with ``refunded_amount`` and ``webhook_deliveries``."""
        return self._call("GET", "/_fake/checkouts")

    def api_calls(self) -> list[str]:
        """``METHOD /path`` of every SumUp API call the fake answered, in order."""
        return self._call("GET", "/_fake/calls")

    def checkout(self, checkout_id: str) -> dict[str, Any]:
        return next(c for c in self.checkouts() if c["id"] == checkout_id)

    def pay(self, checkout_id: str) -> dict[str, Any]:
        """What the Pay button does, without a browser (webhook included)."""
        return self._call("POST", f"/_fake/checkouts/{checkout_id}/pay")

    def decline(self, checkout_id: str) -> dict[str, Any]:
        return self._call("POST", f"/_fake/checkouts/{checkout_id}/decline")

    def expire(self, checkout_id: str) -> dict[str, Any]:
        return self._call("POST", f"/_fake/checkouts/{checkout_id}/expire")

    def resend_webhook(self, checkout_id: str) -> dict[str, Any]:
        """Deliver the webhook again, as SumUp's retries do."""
        return self._call("POST", f"/_fake/checkouts/{checkout_id}/webhook")
