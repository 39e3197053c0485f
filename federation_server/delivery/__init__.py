"""The persistent delivery queue: enqueue activities, deliver them signed, retry reliably."""

from ._policy import HostHealth, Outcome, backoff_seconds, classify, parse_retry_after, retry_at
from ._queue import enqueue, host_of, mark_host_available, unhealthy_hosts
from ._runner import KeyResolver, build_worker, run_worker
from ._senders import AiohttpSender, HttpxSender, Sender, SendError, SendResult
from ._worker import RunReport, Worker

__all__ = [
    "AiohttpSender",
    "HostHealth",
    "HttpxSender",
    "KeyResolver",
    "Outcome",
    "RunReport",
    "SendError",
    "SendResult",
    "Sender",
    "Worker",
    "backoff_seconds",
    "build_worker",
    "classify",
    "enqueue",
    "host_of",
    "mark_host_available",
    "parse_retry_after",
    "retry_at",
    "run_worker",
    "unhealthy_hosts",
]
