import pytest
from django.utils import timezone

from approvals.states import State
from tests import factories
from workflow import services
from workflow.models import AuditRecord

pytestmark = pytest.mark.usefixtures("consistent")


@pytest.mark.parametrize("state", [s for s in State.values])
def test_a_nomination_can_be_driven_into_every_state(nomination_in, state):
    assert nomination_in(state).state == state


def test_the_happy_path_with_a_council_vote_ends_reported(org, people, draft):
    n = draft
    n = services.nomination_submit(user=people["head"], nomination_id=n.pk)
    n = services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    n = services.nomination_recommend(user=people["reviewer"], nomination_id=n.pk, to="council")
    (n,) = factories.council_decide(people, [n], yes=6)
    n = services.nomination_approve(
        user=people["director"], nomination_id=n.pk, decision_number="01/QĐ",
        decision_date=timezone.localdate(),
    )
    n = services.nomination_report(
        user=people["liaison"], nomination_id=n.pk, report_number="25/BC-THADS",
        report_date=timezone.localdate(),
    )
    assert n.state == State.REPORTED
    report = AuditRecord.objects.get(nomination=n, action="report")
    assert report.data["report_number"] == "25/BC-THADS"
    assert report.data["report_date"] == timezone.localdate().isoformat()
    actions = list(AuditRecord.objects.filter(nomination=n).values_list("action", flat=True))
    assert actions == [
        "create", "submit", "claim", "recommend", "council_pass", "approve", "report"
    ]
