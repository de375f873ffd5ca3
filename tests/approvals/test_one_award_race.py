"""Two simultaneous creations of the same nomination, on two PostgreSQL connections: the
database's constraint lets exactly one through and the other gets the clear refusal."""

import threading

import pytest
from django.db import connection

from approvals.models import Nomination
from approvals.services import nomination_create
from tests import factories
from workflow.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_creations_for_one_person_award_and_year_give_one_nomination():
    org = factories.make_org()
    people = factories.make_people(org)
    person = factories.member(org["a"], "Trần Thị Bình")
    award = factories.award()
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def create(i):
        try:
            barrier.wait()
            outcomes[i] = nomination_create(
                user=people["staff"], unit_id=org["a"].pk, campaign_id=org["campaign"].pk,
                award_id=award.pk, nominee_person_id=person.pk,
            )
        except Conflict as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    won = [o for o in outcomes if isinstance(o, Nomination)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert f"#{won[0].pk}" in str(lost[0].message)
    assert Nomination.objects.filter(nominee_person=person).count() == 1
