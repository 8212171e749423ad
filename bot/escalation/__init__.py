"""Escalation that is never lost: durable risk episodes plus a webhook outbox.

``record_risk`` writes the escalation and its notification in one transaction;
``deliver_due``/``run_worker`` deliver notifications with retries. See
``docs/escalation.md``.
"""

from bot.escalation.service import (
    EscalationError,
    EscalationRecord,
    EscalationView,
    acknowledge,
    list_escalations,
    record_risk,
    request_human,
    resolve,
)
from bot.escalation.worker import RetryPolicy, deliver_due, run_worker

__all__ = [
    "EscalationError",
    "EscalationRecord",
    "EscalationView",
    "RetryPolicy",
    "acknowledge",
    "deliver_due",
    "list_escalations",
    "record_risk",
    "request_human",
    "resolve",
    "run_worker",
]
