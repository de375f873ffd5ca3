"""Migrations 0016–0017: free-text nominees become persons of the register or collectives,
each nomination gets its campaign's year, then the one-award constraints hold."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.asgi_server import APP_ROLE

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("approvals", "0015_nominee_register")]
AFTER = [("approvals", "0017_one_award_per_nominee_year")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    """Each test takes the database back to 0015; the tests after it need every migration."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    # The tables made again are new objects: the application's role gets its grants again.
    call_command("grant_app_role", APP_ROLE, stdout=io.StringIO())


def test_free_text_nominees_become_persons_units_and_years():
    old = migrate(BEFORE)
    user = get_user_model().objects.create_user(username="staff")
    Unit, Award = old.get_model("approvals", "Unit"), old.get_model("approvals", "Award")
    Campaign = old.get_model("approvals", "Campaign")
    Nomination = old.get_model("approvals", "Nomination")
    body = Unit.objects.create(code="co-quan", name="Cơ quan", kind="body")
    office = Unit.objects.create(code="kv1", name="Phòng khu vực 1", kind="regional",
                                 parent=body)
    team = Unit.objects.create(code="to-1", name="Tổ thi hành án 1", kind="office",
                               parent=office)
    person_award, _ = Award.objects.get_or_create(
        code="lao-dong-tien-tien", defaults={"name_vi": "LĐTT", "name_en": "AW",
                                             "subject": "individual", "decided_by": "body"})
    unit_award, _ = Award.objects.get_or_create(
        code="tap-the-lao-dong-tien-tien", defaults={"name_vi": "TTLĐTT", "name_en": "AC",
                                                     "subject": "collective",
                                                     "decided_by": "body"})
    campaign = Campaign.objects.create(
        code="tk-2025", name="Tổng kết 2025", kind="yearly", year=2025,
        starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31),
        submission_deadline=datetime.date(2025, 12, 10))

    def nominate(name, award, **extra):
        return Nomination.objects.create(campaign=campaign, award=award, unit=office,
                                         nominee_name=name, created_by_id=user.pk,
                                         nominee_title="Chấp hành viên", **extra).pk

    an = nominate("Nguyễn  Văn An", person_award)
    twin = nominate("Nguyễn Văn An", person_award)  # a namesake: same text, same award
    withdrawn = nominate("Nguyễn Văn An", person_award, state="withdrawn")
    named_team = nominate("Tập thể Tổ thi hành án 1", unit_award)
    unnamed = nominate("Tập thể phòng", unit_award)

    new = migrate(AFTER)
    rows = {n.pk: n for n in new.get_model("approvals", "Nomination").objects.all()}
    assert {n.year for n in rows.values()} == {2025}
    assert rows[an].nominee_name == "Nguyễn Văn An" and rows[an].nominee_unit_id is None
    assert rows[twin].nominee_person_id != rows[an].nominee_person_id
    assert rows[withdrawn].nominee_person_id in {rows[an].nominee_person_id,
                                                 rows[twin].nominee_person_id}
    assert (rows[named_team].nominee_unit_id, rows[named_team].nominee_name) == (
        team.pk, "Tổ thi hành án 1")
    assert rows[unnamed].nominee_unit_id == office.pk
    Person = new.get_model("approvals", "Person")
    person = Person.objects.get(pk=rows[an].nominee_person_id)
    assert (person.position, person.gender) == ("Chấp hành viên", "")
    membership = new.get_model("approvals", "Membership").objects.get(person=person)
    assert (membership.unit_id, membership.starts_on) == (office.pk, campaign.starts_on)


def test_two_live_collective_nominations_of_one_unit_stop_the_migration_naming_them():
    old = migrate(BEFORE)
    user = get_user_model().objects.create_user(username="staff")
    unit = old.get_model("approvals", "Unit").objects.create(code="kv1", name="Phòng 1",
                                                             kind="regional")
    award, _ = old.get_model("approvals", "Award").objects.get_or_create(
        code="tap-the-lao-dong-tien-tien", defaults={"name_vi": "TTLĐTT", "name_en": "AC",
                                                     "subject": "collective",
                                                     "decided_by": "body"})
    campaign = old.get_model("approvals", "Campaign").objects.create(
        code="tk-2025", name="Tổng kết 2025", kind="yearly", year=2025,
        starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31),
        submission_deadline=datetime.date(2025, 12, 10))
    Nomination = old.get_model("approvals", "Nomination")
    first, second = (Nomination.objects.create(
        campaign=campaign, award=award, unit=unit, nominee_name="Phòng 1",
        created_by_id=user.pk).pk for _ in range(2))
    with pytest.raises(RuntimeError, match=f"#{first} and #{second}"):
        migrate(AFTER)
    Nomination.objects.filter(pk=second).update(state="withdrawn")  # what the message asks
    new = migrate(AFTER)
    assert new.get_model("approvals", "Nomination").objects.get(pk=second).nominee_unit_id == (
        unit.pk)
