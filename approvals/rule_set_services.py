"""Edits of the rule sets (the law's parameters): each one durable transaction with its
audit record, so an auditor sees who changed which parameter, when, from what to what."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from workflow.audit import audit_append

from .models import RuleSet

FIELDS = ("code", "name", "legal_basis", "effective_from", "effective_to", "parameters")


def _json(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def rule_set_save(*, user: User, rule_set: RuleSet) -> RuleSet:
    """Create or change a rule set, already validated (RuleSet.full_clean: the parameters'
    schema and the periods that must not overlap)."""
    with transaction.atomic(durable=True):
        before = (
            RuleSet.objects.select_for_update().filter(pk=rule_set.pk).first()
            if rule_set.pk else None
        )
        changes = {
            name: [_json(getattr(before, name)) if before else None, _json(getattr(rule_set, name))]
            for name in FIELDS
            if before is None or getattr(before, name) != getattr(rule_set, name)
        }
        rule_set.full_clean()
        rule_set.save()
        audit_append(
            actor=user, action="rule_set_change",
            data={"model": "RuleSet", "id": rule_set.pk, "code": rule_set.code,
                  "changes": changes},
        )
    return rule_set
