"""The register's services: every change of a person or a record is audited with its old and
new values; only the standing reviewer and the administrator keep the register."""

import datetime
from decimal import Decimal

import pytest

from approvals.models import Nomination, Person, YearRating
from approvals.register import (
    membership_create,
    membership_end,
    person_create,
    person_update,
    record_delete,
    record_save,
)
from tests.factories import award, member
from workflow.audit import verify_chain
from workflow.errors import InvalidInput, PermissionRefused
from workflow.models import AuditRecord

pytestmark = pytest.mark.django_db


def last_record():
    return AuditRecord.objects.order_by("-id").first()


def rating(people, person, **values):
    return record_save(user=people["reviewer"], kind="rating", values={
        "person_id": person.pk, "year": 2025, "rating": "good", "months_worked": Decimal("12"),
        **values,
    })


def test_the_reviewer_adds_a_person_with_a_membership_both_audited(org, people):
    person = person_create(user=people["reviewer"], full_name="  Trần   Thị Bình ",
                           gender="female", position="Thư ký", unit_id=org["a"].pk,
                           starts_on=datetime.date(2020, 1, 1))
    assert person.full_name == "Trần Thị Bình"
    assert person.memberships.get().unit == org["a"]
    created = AuditRecord.objects.filter(action="record_create").order_by("id")
    assert [r.data["model"] for r in created] == ["person", "membership"]
    assert created[0].data["changes"]["full_name"] == [None, "Trần Thị Bình"]
    assert created[0].actor == people["reviewer"] and created[0].nomination is None


def test_a_unit_staff_member_may_not_change_the_register(org, people):
    person = member(org["a"])
    with pytest.raises(PermissionRefused):
        person_create(user=people["staff"], full_name="X", gender="male")
    with pytest.raises(PermissionRefused):
        rating(people | {"reviewer": people["staff"]}, person)
    assert not YearRating.objects.exists()


def test_the_administrator_keeps_the_register_too(org, people):
    assert person_create(user=people["admin"], full_name="Lê Văn Cường", gender="male").pk


def test_a_changed_rating_is_audited_from_old_to_new(org, people):
    person = member(org["a"])
    saved = rating(people, person)
    record_save(user=people["reviewer"], kind="rating", record_id=saved.pk,
                values={"rating": "excellent"})
    record = last_record()
    assert record.action == "record_update" and record.actor == people["reviewer"]
    assert record.data == {"model": "yearrating", "id": saved.pk, "person": person.pk,
                           "changes": {"rating": ["good", "excellent"]}}
    assert verify_chain().ok


def test_a_deleted_record_keeps_what_it_said_in_the_history(org, people):
    person = member(org["a"])
    saved = rating(people, person)
    record_delete(user=people["reviewer"], kind="rating", record_id=saved.pk)
    record = last_record()
    assert record.action == "record_delete"
    assert record.data["changes"]["rating"] == ["good", None]
    assert not YearRating.objects.exists()


@pytest.mark.parametrize(("values", "field"), [
    ({"months_worked": Decimal("12.5")}, "months_worked"),
    ({"rating": "brilliant"}, "rating"),
    ({"maternity_months": Decimal("-1")}, "maternity_months"),
])
def test_a_bad_rating_is_refused_on_its_field(org, people, values, field):
    with pytest.raises(InvalidInput) as refused:
        rating(people, member(org["a"]), **values)
    assert field in refused.value.fields
    assert not AuditRecord.objects.filter(action__startswith="record_").exists()


def test_a_second_rating_for_the_same_year_is_refused(org, people):
    person = member(org["a"])
    rating(people, person)
    with pytest.raises(InvalidInput):
        rating(people, person, rating="excellent")
    assert YearRating.objects.get().rating == "good"


def test_a_discipline_that_ends_before_it_starts_is_refused(org, people):
    with pytest.raises(InvalidInput):
        record_save(user=people["reviewer"], kind="discipline", values={
            "person_id": member(org["a"]).pk, "level": "reprimand", "decision_ref": "1/QĐ",
            "effective_from": datetime.date(2025, 6, 1),
            "effective_to": datetime.date(2025, 1, 1),
        })


def test_a_past_award_names_a_person_or_a_collective_not_both(org, people):
    values = {"award_id": award().pk, "year": 2023, "decision_number": "5/QĐ",
              "decision_date": datetime.date(2023, 12, 20), "decider": "Bộ trưởng"}
    saved = record_save(user=people["reviewer"], kind="past_award",
                        values={**values, "unit_id": org["a"].pk})
    assert last_record().data["unit"] == org["a"].pk and saved.person is None
    with pytest.raises(InvalidInput):
        record_save(user=people["reviewer"], kind="past_award",
                    values={**values, "unit_id": org["a"].pk, "person_id": member(org["a"]).pk})


def test_an_unknown_kind_or_field_is_refused(org, people):
    with pytest.raises(InvalidInput):
        record_save(user=people["reviewer"], kind="salary", values={})
    with pytest.raises(InvalidInput):
        record_save(user=people["reviewer"], kind="rating", values={"salary": 1})


def test_a_new_name_follows_into_the_persons_nominations(org, people, draft):
    person = draft.nominee_person
    person_update(user=people["reviewer"], person_id=person.pk, full_name="Nguyễn Văn Ân")
    assert Nomination.objects.get(pk=draft.pk).nominee_name == "Nguyễn Văn Ân"
    assert last_record().data["changes"] == {"full_name": ["Nguyễn Văn An", "Nguyễn Văn Ân"]}
    assert Person.objects.get(pk=person.pk).full_name == "Nguyễn Văn Ân"


def test_memberships_of_one_unit_may_not_overlap_and_an_end_is_audited(org, people):
    person = member(org["a"], since=datetime.date(2020, 1, 1))
    with pytest.raises(InvalidInput):
        membership_create(user=people["reviewer"], person_id=person.pk, unit_id=org["a"].pk,
                          starts_on=datetime.date(2022, 1, 1))
    first = person.memberships.get()
    membership_end(user=people["reviewer"], membership_id=first.pk,
                   ends_on=datetime.date(2021, 12, 31))
    assert last_record().data["changes"] == {"ends_on": [None, "2021-12-31"]}
    later = membership_create(user=people["reviewer"], person_id=person.pk,
                              unit_id=org["a"].pk, starts_on=datetime.date(2022, 1, 1))
    assert later.ends_on is None
    with pytest.raises(InvalidInput):
        membership_end(user=people["reviewer"], membership_id=later.pk,
                       ends_on=datetime.date(2021, 1, 1))
