"""The rule sets in the Django admin: bad parameters refused in Vietnamese, every change
audited, periods that overlap refused, none deleted."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from approvals.models import RuleSet
from workflow.models import AuditRecord


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("quantri-luat", password="x-123"))
    return client


def _form(row: RuleSet, **changes) -> dict:
    data = {"code": row.code, "name": row.name, "legal_basis": row.legal_basis,
            "effective_from": row.effective_from.isoformat(),
            "effective_to": row.effective_to.isoformat() if row.effective_to else "",
            "parameters": json.dumps(row.parameters)}
    data.update(changes)
    return data


def test_the_admin_refuses_a_bad_parameter_value_with_a_vietnamese_error(admin_client):
    row = RuleSet.objects.get(code="R2025")
    params = dict(row.parameters, min_months_worked=15)
    response = admin_client.post(reverse("admin:approvals_ruleset_change", args=[row.pk]),
                                 _form(row, parameters=json.dumps(params)))
    assert response.status_code == 200
    assert "“min_months_worked”: phải là một số từ 0 đến 12." in response.content.decode()
    assert RuleSet.objects.get(pk=row.pk).parameters["min_months_worked"] == 6


def test_a_parameter_changed_in_the_admin_is_saved_and_audited_from_what_to_what(admin_client):
    row = RuleSet.objects.get(code="R2025")
    params = dict(row.parameters, min_months_worked=8)
    response = admin_client.post(reverse("admin:approvals_ruleset_change", args=[row.pk]),
                                 _form(row, parameters=json.dumps(params)))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RuleSet.objects.get(pk=row.pk).params.min_months_worked == 8
    record = AuditRecord.objects.get(action="rule_set_change")
    assert record.actor_username == "quantri-luat"
    old, new = record.data["changes"]["parameters"]
    assert (old["min_months_worked"], new["min_months_worked"]) == (6, 8)


def test_the_admin_refuses_a_period_overlapping_another_rule_set(admin_client):
    row = RuleSet.objects.get(code="R2024")
    response = admin_client.post(reverse("admin:approvals_ruleset_change", args=[row.pk]),
                                 _form(row, effective_to="2025-09-30"))
    assert response.status_code == 200
    assert "Thời gian hiệu lực trùng với bộ quy tắc R2025." in response.content.decode()
    assert not AuditRecord.objects.filter(action="rule_set_change").exists()


def test_a_rule_set_cannot_be_deleted_from_the_admin(admin_client):
    row = RuleSet.objects.get(code="R2018")
    response = admin_client.post(reverse("admin:approvals_ruleset_delete", args=[row.pk]),
                                 {"post": "yes"})
    assert response.status_code == 403
    assert RuleSet.objects.filter(pk=row.pk).exists()
