"""The whole lifecycle driven over HTTP only, each step by the person whose role it is."""

import datetime

import pytest
from django.utils import timezone

from approvals.models import Campaign, Nomination, Unit
from tests.api.conftest import API
from tests.api.test_documents import PDF
from tests.factories import complete_dossier, council_term, member, qualify

pytestmark = pytest.mark.usefixtures("consistent")


def ids_by_code(client, resource):
    response = client.get(f"{API}/{resource}/")
    assert response.status_code == 200
    return {row["code"]: row["id"] for row in response.json()}


def act(client, nomination_id, action, **body):
    return client.post(f"{API}/nominations/{nomination_id}/actions/{action}/", body, format="json")


def create(client, *, award_code):
    units = ids_by_code(client, "units")
    awards = ids_by_code(client, "awards")
    campaigns = ids_by_code(client, "campaigns")
    response = client.post(
        f"{API}/nominations/",
        {
            "unit": units["don-vi-a"],
            "campaign": campaigns["tong-ket"],
            "award": awards[award_code],
            "nominee_person": qualify(member(Unit.objects.get(code="don-vi-a"), "Trần Thị Bình"),
                                      Campaign.objects.get(code="tong-ket").year).pk,
            "achievements": "Hoàn thành xuất sắc nhiệm vụ năm.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    # The law's checklist: submission needs every document the award asks for.
    draft = Nomination.objects.get(pk=response.json()["id"])
    complete_dossier(draft, draft.created_by)
    return response.json()


def inbox_ids(client, group):
    body = client.get(f"{API}/inbox/").json()
    assert body[group]["count"] == len(body[group]["results"])
    return [row["id"] for row in body[group]["results"]]


def test_the_council_path_runs_from_draft_to_reported_over_http(people, login):
    staff, head, reviewer = login("staff"), login("head"), login("reviewer")
    secretary, director, liaison = login("secretary"), login("director"), login("liaison")

    me = staff.get(f"{API}/me/").json()
    assert [(r["role"], r["unit"]["code"]) for r in me["roles"]] == [("unit_staff", "don-vi-a")]

    n = create(staff, award_code="chien-si-thi-dua-co-so")
    pk = n["id"]
    assert n["state"] == "draft" and "edit" in n["actions"] and "submit" not in n["actions"]
    upload = staff.post(
        f"{API}/nominations/{pk}/documents/",
        {"kind": "bao_cao_thanh_tich", "file": PDF("report.pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.json()
    edited = staff.patch(
        f"{API}/nominations/{pk}/", {"nominee_title": "Chấp hành viên"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["nominee_title"] == "Chấp hành viên"
    assert act(staff, pk, "submit").status_code == 403

    assert act(head, pk, "submit").json()["state"] == "submitted"
    assert (
        head.patch(f"{API}/nominations/{pk}/", {"nominee_title": "x"}, format="json").status_code
        == 409
    )

    assert pk in inbox_ids(reviewer, "queue")
    claimed = act(reviewer, pk, "claim")
    assert claimed.json()["state"] == "in_review" and claimed.json()["holder"] == "reviewer"
    assert pk in inbox_ids(reviewer, "mine") and pk not in inbox_ids(reviewer, "queue")
    assert act(reviewer, pk, "recommend", to="council").json()["state"] == "council_vote"

    assert pk in inbox_ids(secretary, "queue")
    # The council votes in a session: two members, both present, both for (secret ballots).
    term = council_term(people, size=2)
    opened = secretary.post(f"{API}/council/sessions/", {
        "term": term.pk, "campaign": Nomination.objects.get(pk=pk).campaign_id,
        "meets_on": timezone.localdate().isoformat()}, format="json")
    assert opened.status_code == 201, opened.json()
    sid = opened.json()["id"]
    secretary.post(f"{API}/council/sessions/{sid}/attendance/", {"attendance": [
        {"member": people[m].pk, "status": "present"} for m in ("member", "director")]},
        format="json")
    item = secretary.get(f"{API}/council/sessions/{sid}/").json()["outcome"]["items"][0]
    for voter in (login("member"), director):
        cast = voter.post(f"{API}/council/sessions/{sid}/ballots/",
                          {"ballots": [{"item": item["item"], "yes": True}]}, format="json")
        assert cast.status_code == 201 and cast.json() == {"cast": 1}
    closed = secretary.post(f"{API}/council/sessions/{sid}/close/")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["outcome"]["items"][0]["passed"] is True
    assert head.get(f"{API}/nominations/{pk}/").json()["state"] == "awaiting_director"

    assert pk in inbox_ids(director, "queue")
    approved = act(
        director,
        pk,
        "approve",
        decision_number="12/QĐ-TĐKT",
        decision_date=timezone.localdate().isoformat(),
        comment="Đồng ý",
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "approved"
    assert approved.json()["decision_number"] == "12/QĐ-TĐKT"

    reported = act(liaison, pk, "report", report_number="25/BC-THADS",
                   report_date=timezone.localdate().strftime("%d/%m/%Y"))
    assert reported.status_code == 200 and reported.json()["state"] == "reported"

    history = staff.get(f"{API}/nominations/{pk}/history/").json()["results"]
    assert [h["action"] for h in history] == [
        "create",
        "upload_document",
        "edit",
        "submit",
        "claim",
        "recommend",
        "council_pass",
        "approve",
        "report",
    ]
    assert [h["actor"] for h in history][-3:] == ["secretary", "director", "liaison"]


def test_a_returned_nomination_is_corrected_and_resubmitted_then_rejected(people, login):
    staff, head, reviewer = login("staff"), login("head"), login("reviewer")
    pk = create(staff, award_code="lao-dong-tien-tien")["id"]
    act(head, pk, "submit")
    act(reviewer, pk, "claim")

    no_reason = act(reviewer, pk, "return", comment="   ")
    assert no_reason.status_code == 400 and "comment" in no_reason.json()["fields"]
    returned = act(reviewer, pk, "return", comment="Bổ sung báo cáo thành tích")
    assert returned.json()["state"] == "returned"
    assert returned.json()["last_reason"] == "Bổ sung báo cáo thành tích"

    fixed = staff.patch(f"{API}/nominations/{pk}/", {"achievements": "Đã bổ sung."}, format="json")
    assert fixed.status_code == 200
    assert act(head, pk, "submit").json()["state"] == "submitted"
    act(reviewer, pk, "claim")
    rejected = act(reviewer, pk, "reject", comment="Không đủ tiêu chuẩn")
    assert rejected.json()["state"] == "rejected"
    assert act(head, pk, "withdraw", comment="Rút").status_code == 409


def test_the_director_path_is_refused_with_reasons_for_an_award_that_needs_a_vote(people, login):
    staff, head, reviewer = login("staff"), login("head"), login("reviewer")
    pk = create(staff, award_code="chien-si-thi-dua-co-so")["id"]
    act(head, pk, "submit")
    act(reviewer, pk, "claim")
    refused = act(reviewer, pk, "recommend", to="director")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "rule_violation" and len(body["reasons"]) == 1
    assert reviewer.get(f"{API}/nominations/{pk}/").json()["state"] == "in_review"


def test_a_late_draft_cannot_be_submitted_and_says_why(people, login, org):
    staff, head = login("staff"), login("head")
    pk = create(staff, award_code="lao-dong-tien-tien")["id"]
    campaign = org["campaign"]
    campaign.submission_deadline = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()
    refused = act(head, pk, "submit")
    assert refused.status_code == 422 and refused.json()["reasons"]


def test_the_unit_head_withdraws_an_open_nomination(people, login):
    staff, head = login("staff"), login("head")
    pk = create(staff, award_code="lao-dong-tien-tien")["id"]
    act(head, pk, "submit")
    withdrawn = act(head, pk, "withdraw", comment="Đơn vị rút đề nghị")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"


def test_the_list_filters_by_state_award_and_text(people, login, nomination_in):
    nomination_in("submitted")
    nomination_in("draft", name="Lê Văn Cường")
    reviewer, staff = login("reviewer"), login("staff")
    assert [n["state"] for n in reviewer.get(f"{API}/nominations/").json()["results"]] == [
        "submitted"
    ]  # the body never sees a unit's draft
    assert staff.get(f"{API}/nominations/").json()["count"] == 2
    found = staff.get(f"{API}/nominations/", {"q": "Cường"}).json()["results"]
    assert [n["nominee_name"] for n in found] == ["Lê Văn Cường"]
    assert (
        staff.get(f"{API}/nominations/", {"state": "draft", "award": "lao-dong-tien-tien"}).json()[
            "count"
        ]
        == 1
    )
    assert staff.get(f"{API}/nominations/", {"state": "nonsense"}).status_code == 400
    assert staff.get(f"{API}/nominations/", {"overdue": "true"}).json()["count"] == 0


@pytest.mark.parametrize("value", ["²", "٣", "don vi", "99999999999999999999999"])
def test_a_strange_filter_value_is_a_400_or_an_empty_page_never_a_500(people, login, value):
    response = login("reviewer").get(f"{API}/nominations/", {"unit": value})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["count"] == 0


def test_the_selector_treats_a_non_ascii_digit_as_a_code_not_an_id(people, nomination_in):
    from approvals.access import load_actor
    from approvals.selectors import nomination_list

    nomination_in("submitted")
    assert list(nomination_list(load_actor(people["reviewer"]), filters={"unit": "²"})) == []
