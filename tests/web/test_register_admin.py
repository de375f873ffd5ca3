"""The register in the admin: each save and delete goes through approvals.register, so it is
audited with its old and new values like any other change."""

import pytest
from django.contrib.auth import get_user_model

from approvals.models import Person, YearRating
from tests.factories import member
from workflow.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "pw-123456")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


INLINES = ("memberships", "ratings", "initiatives", "research_projects", "disciplines",
           "pending_cases", "past_awards")


def empty_inlines() -> dict:
    return {f"{prefix}-{key}": value for prefix in INLINES
            for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}


def test_a_rating_added_and_changed_in_the_admin_is_audited(admin_client, org, superuser):
    person = member(org["a"])
    added = admin_client.post("/admin/approvals/yearrating/add/", {
        "person": person.pk, "year": 2025, "rating": "good", "months_worked": "12",
        "maternity_months": "0",
    })
    assert added.status_code == 302
    saved = YearRating.objects.get()
    changed = admin_client.post(f"/admin/approvals/yearrating/{saved.pk}/change/", {
        "person": person.pk, "year": 2025, "rating": "excellent", "months_worked": "12",
        "maternity_months": "0",
    })
    assert changed.status_code == 302
    record = AuditRecord.objects.filter(action="record_update").get()
    assert record.actor == superuser
    assert record.data["changes"] == {"rating": ["good", "excellent"]}


def test_a_bad_rating_in_the_admin_is_refused_on_the_page(admin_client, org):
    response = admin_client.post("/admin/approvals/yearrating/add/", {
        "person": member(org["a"]).pk, "year": 2025, "rating": "good", "months_worked": "13",
        "maternity_months": "0",
    })
    assert response.status_code == 200 and not YearRating.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="record_").exists()


def test_a_person_with_an_inline_membership_is_added_through_the_services(admin_client, org):
    response = admin_client.post("/admin/approvals/person/add/", {
        "full_name": "Trần Thị Bình", "gender": "female", "position": "", "recruited_on": "",
        **empty_inlines(), "memberships-TOTAL_FORMS": "1",
        "memberships-0-unit": org["a"].pk, "memberships-0-starts_on": "01/01/2020",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get(full_name="Trần Thị Bình")
    assert person.memberships.get().unit == org["a"]
    assert [r.data["model"] for r in AuditRecord.objects.filter(
        action="record_create").order_by("id")] == ["person", "membership"]


def test_a_unit_staff_member_has_no_register_admin(client, people):
    client.force_login(people["staff"])
    assert client.get("/admin/approvals/yearrating/add/").status_code == 302
