"""Điển hình tiên tiến: the standing reviewer proposes an exemplar from an approved award with a
bounded public story, the Director publishes or declines it, each with its history record;
the public reads published ones only, accents aside; the year's compilation is a DOCX file."""

import io

import pytest
from django.utils import timezone
from docx import Document

from approvals.access import load_actor
from approvals.compilation import TITLE, compilation_docx
from approvals.decision_documents import MOTTO, NATIONAL_NAME, place_and_date
from approvals.decisions import decision_create
from approvals.exemplar_selectors import (
    PUBLIC_FIELDS,
    compilation_body,
    public_choices,
    public_exemplar,
    public_exemplars,
    year_compilation,
)
from approvals.exemplars import exemplar_decline, exemplar_propose, exemplar_publish
from approvals.models import EXEMPLAR_STORY_MAX, Exemplar, Profile, Unit
from approvals.states import State
from tests import factories
from workflow import services
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from workflow.models import AuditRecord

pytestmark = pytest.mark.usefixtures("consistent")

STORY = "Chị luôn đi đầu trong cải cách thủ tục, rút ngắn thời gian giải quyết hồ sơ."


def published(people, n, story=STORY):
    e = exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=story)
    return exemplar_publish(user=people["director"], exemplar_id=e.pk)


@pytest.mark.parametrize("state", [State.APPROVED, State.REPORTED])
def test_the_reviewer_proposes_and_the_director_publishes_with_history(
    people, nomination_in, state
):
    n = nomination_in(state)
    e = exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=f"  {STORY} ")
    assert (e.status, e.story) == (Exemplar.Status.PROPOSED, STORY)
    assert public_exemplar(e.pk) is None
    exemplar_publish(user=people["director"], exemplar_id=e.pk)
    e.refresh_from_db()
    assert e.status == Exemplar.Status.PUBLISHED and e.published_at is not None
    assert e.decided_by == people["director"]
    records = AuditRecord.objects.filter(nomination=n, action__startswith="exemplar_")
    assert [(r.action, r.actor_role, r.to_state) for r in records.order_by("id")] == [
        ("exemplar_propose", "standing_reviewer", state),
        ("exemplar_publish", "director", state),
    ]
    assert public_exemplar(e.pk)["name"] == n.nominee_name


@pytest.mark.parametrize("name", ["staff", "head", "member", "secretary", "director",
                                  "auditor", "manager", "liaison", "admin"])
def test_only_the_standing_reviewer_proposes(people, nomination_in, name):
    n = nomination_in(State.APPROVED)
    with pytest.raises(PermissionRefused):
        exemplar_propose(user=people[name], nomination_id=n.pk, story=STORY)
    assert not Exemplar.objects.exists()


@pytest.mark.parametrize("name", ["reviewer", "head", "manager", "liaison", "admin"])
def test_only_the_director_publishes_or_declines(people, nomination_in, name):
    n = nomination_in(State.APPROVED)
    e = exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=STORY)
    with pytest.raises(PermissionRefused):
        exemplar_publish(user=people[name], exemplar_id=e.pk)
    with pytest.raises(PermissionRefused):
        exemplar_decline(user=people[name], exemplar_id=e.pk, reason="Không")
    e.refresh_from_db()
    assert e.status == Exemplar.Status.PROPOSED


def test_another_units_people_do_not_see_the_exemplar(people, nomination_in):
    n = nomination_in(State.APPROVED)
    e = exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=STORY)
    with pytest.raises(NotFound):
        exemplar_publish(user=people["outsider_head"], exemplar_id=e.pk)


@pytest.mark.parametrize("state", [State.AWAITING_DIRECTOR, State.REJECTED, State.WITHDRAWN])
def test_an_undecided_or_refused_proposal_is_no_exemplar(people, nomination_in, state):
    n = nomination_in(state)
    with pytest.raises(Conflict):
        exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=STORY)


def test_a_revoked_award_cannot_be_proposed(people, nomination_in):
    n = nomination_in(State.APPROVED)
    services.nomination_revoke(user=people["director"], nomination_id=n.pk,
                               revocation_number="1/QĐ", revocation_date=timezone.localdate(),
                               comment="Gian lận")
    with pytest.raises(Conflict):
        exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=STORY)


def test_the_story_is_required_and_bounded(people, nomination_in):
    n = nomination_in(State.APPROVED)
    for story in ["", "   ", "x" * (EXEMPLAR_STORY_MAX + 1), "bad\x00text"]:
        with pytest.raises(InvalidInput):
            exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=story)
    e = exemplar_propose(user=people["reviewer"], nomination_id=n.pk,
                         story="x" * EXEMPLAR_STORY_MAX)
    assert len(e.story) == EXEMPLAR_STORY_MAX


def test_an_award_has_one_live_exemplar(people, nomination_in):
    n = nomination_in(State.APPROVED)
    exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=STORY)
    with pytest.raises(Conflict):
        exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=STORY)


def test_a_declined_exemplar_needs_a_reason_and_is_never_shown(people, nomination_in):
    n = nomination_in(State.APPROVED)
    e = exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=STORY)
    with pytest.raises(InvalidInput):
        exemplar_decline(user=people["director"], exemplar_id=e.pk, reason=" ")
    exemplar_decline(user=people["director"], exemplar_id=e.pk, reason="Chưa tiêu biểu")
    e.refresh_from_db()
    assert (e.status, e.last_reason) == (Exemplar.Status.DECLINED, "Chưa tiêu biểu")
    assert public_exemplar(e.pk) is None and public_exemplars() == []
    with pytest.raises(Conflict):
        exemplar_publish(user=people["director"], exemplar_id=e.pk)
    # Declined, it may be proposed again with a better story.
    exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=STORY + " Thêm.")


def test_the_public_search_ignores_accents_and_case(org, people, nomination_in):
    huong = factories.qualify(factories.member(org["a"], "Nguyễn Thị Hương",
                                               gender="female"), org["campaign"].year)
    published(people, nomination_in(State.APPROVED, person=huong))
    published(people, nomination_in(State.APPROVED, name="Lê Văn Đức"))
    [found] = public_exemplars(q="nguyen thi huong")
    assert found["name"] == "Nguyễn Thị Hương"
    assert [r["name"] for r in public_exemplars(q="DUC")] == ["Lê Văn Đức"]
    assert public_exemplars(q="khong co ai") == []


def test_the_public_reads_only_the_public_fields_by_year_and_unit(org, people, nomination_in):
    a = published(people, nomination_in(State.APPROVED, name="Phạm Thị Mai"))
    b = published(people, nomination_in(State.APPROVED, unit="b", name="Hoàng Văn Nam"))
    rows = public_exemplars()
    assert all(tuple(r) == PUBLIC_FIELDS for r in rows)
    assert [r["unit"] for r in rows] == ["Đơn vị A", "Đơn vị B"]
    assert rows[0] == {"id": a.pk, "name": "Phạm Thị Mai", "unit": "Đơn vị A",
                       "award": "Lao động tiên tiến", "year": org["campaign"].year,
                       "story": STORY}
    assert [r["id"] for r in public_exemplars(unit="Đơn vị B")] == [b.pk]
    assert public_exemplars(year=org["campaign"].year - 1) == []
    choices = public_choices()
    assert (choices.years, choices.units) == ([org["campaign"].year], ["Đơn vị A", "Đơn vị B"])


def test_a_collectives_exemplar_names_the_collective(org, people, nomination_in):
    factories.qualify(factories.member(org["a"], "Bùi Văn Tâm"), org["campaign"].year)
    n = nomination_in(State.APPROVED, award_code="tap-the-lao-dong-tien-tien")
    assert n.nominee_unit == org["a"]
    e = published(people, n)
    assert public_exemplar(e.pk)["unit"] == "Đơn vị A"
    assert public_exemplar(e.pk)["name"] == n.nominee_name


def test_the_public_list_runs_a_fixed_number_of_queries(
    org, people, nomination_in, django_assert_num_queries
):
    published(people, nomination_in(State.APPROVED, name="Một"))
    with django_assert_num_queries(1):
        public_exemplars(q="mot")
    for i in range(4):
        published(people, nomination_in(State.APPROVED, name=f"Người {i}",
                                        unit="b" if i % 2 else "a"))
    with django_assert_num_queries(1):
        assert len(public_exemplars()) == 5
    with django_assert_num_queries(1):
        public_choices()


def _compile(actor, year):
    return year_compilation(year, actor=actor, today=timezone.localdate())


def _texts(doc) -> list[str]:
    """Every paragraph of the DOCX, the body's and then the tables' cells'."""
    cells = [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return [p.text for p in doc.paragraphs] + cells


def test_the_years_compilation_docx_has_the_administrative_layout_exemplars_and_counts(
    org, people, nomination_in, django_assert_num_queries
):
    year = org["campaign"].year
    Profile.objects.create(user=people["director"], title="Cục trưởng")
    decision_create(user=people["director"], number="01/QĐ-THADS", date=timezone.localdate(),
                    place="Hà Nội",
                    nomination_ids=[nomination_in(State.AWAITING_DIRECTOR, name="Đã quyết").pk])
    published(people, nomination_in(State.APPROVED, name="Vũ Thị Lan"), story="Câu chuyện Lan.")
    published(people, nomination_in(State.REPORTED, unit="b", name="Đỗ Văn Hải"),
              story="Câu chuyện Hải.")
    nomination_in(State.APPROVED, name="Không điển hình")
    revoked = nomination_in(State.APPROVED, name="Bị thu hồi")
    services.nomination_revoke(user=people["director"], nomination_id=revoked.pk,
                               revocation_number="2/QĐ", revocation_date=timezone.localdate(),
                               comment="Gian lận")
    nomination_in(State.AWAITING_DIRECTOR, name="Chưa quyết định")
    actor = load_actor(people["director"])
    with django_assert_num_queries(4):
        data = _compile(actor, year)
    with django_assert_num_queries(0):
        doc = Document(io.BytesIO(compilation_docx(data)))
    text = _texts(doc)
    for expected in (NATIONAL_NAME, MOTTO, "CƠ QUAN THỬ NGHIỆM", TITLE.format(year=year),
                     place_and_date("Hà Nội", timezone.localdate()), "Nơi nhận:",
                     "CỤC TRƯỞNG", "director", "Câu chuyện Lan.", "Câu chuyện Hải."):
        assert expected in text, expected
    assert not any(t.startswith("Số:") for t in text)  # a compilation has no number
    assert text.index("1. Đơn vị A") < text.index("- Vũ Thị Lan — Lao động tiên tiến năm "
                                                   f"{year}") < text.index("2. Đơn vị B")
    assert not any("Không điển hình" in t or "Bị thu hồi" in t for t in text)
    header, counts, signature = doc.tables
    rows = [[c.text for c in r.cells] for r in counts.rows]
    # Four conferred LĐTT that year: the revoked and the undecided ones are not counted.
    assert rows == [["STT", "Danh hiệu / hình thức", "Số lượng"],
                    ["1", "Lao động tiên tiến", "4"], ["", "Tổng cộng", "4"]]


def test_an_empty_year_still_makes_a_compilation_dated_without_a_place(org, people):
    Unit.objects.filter(pk=org["body"].pk).update(place="")
    doc = Document(io.BytesIO(compilation_docx(_compile(load_actor(people["manager"]), 1999))))
    text = _texts(doc)
    assert "TỔNG HỢP THÀNH TÍCH XUẤT SẮC VÀ ĐIỂN HÌNH TIÊN TIẾN NĂM 1999" in text
    assert "Năm 1999 chưa có điển hình tiên tiến được công bố." in text
    # The body has no place (địa danh) set: the date alone.
    assert place_and_date("", timezone.localdate()) in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text and "manager" in text
    assert [[c.text for c in r.cells] for r in doc.tables[1].rows][-1] == ["", "Tổng cộng", "0"]


def test_the_compilation_is_issued_by_the_top_body_with_legal_personality_the_user_covers(
    org, people
):
    actor = load_actor(people["director"])
    Unit.objects.filter(pk=org["b"].pk).update(has_legal_personality=True)
    assert compilation_body(actor) == org["body"]
    Unit.objects.filter(pk=org["body"].pk).update(has_legal_personality=False)
    assert compilation_body(actor) == org["b"]
    Unit.objects.update(has_legal_personality=False)
    assert compilation_body(actor) == org["body"]  # none has it: the first top unit
