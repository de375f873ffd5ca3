"""The council's vote sessions (phiên họp Hội đồng Thi đua - Khen thưởng), one service per
change: the secretary opens a session, records attendance, enters a paper tally with its
minutes, sets quotas and closes it; a member casts a secret ballot; the chair breaks a tie.

The ballot is secret (docs/council.md): a ballot is a participation row (who took part: a
random key, the item, the member; no time, no choice) and one added to a counter of the
item, in one transaction. No row, column, key order or history record ties the two.
"""

import datetime
import hashlib
import uuid
from collections.abc import Callable, Mapping

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.audit import audit_append
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionRefused, RuleViolation
from workflow.services import nomination_act

from .access import Actor, load_actor
from .council_selectors import (
    SECRETARY,
    ItemOutcome,
    Outcome,
    get_session_for_actor,
    is_secretary,
    may_vote,
    params_for,
    session_outcome,
)
from .dossier import ALLOWED, _sniff
from .models import (
    Attendance,
    Award,
    BallotParticipation,
    Campaign,
    CouncilTerm,
    Nomination,
    SessionItem,
    VoteSession,
)
from .states import State

MAX_MINUTES_BYTES = 20 * 1024 * 1024
# Runs inside a change's transaction with its result (the API's Idempotency-Key answer).
Within = Callable[[VoteSession], None] | None


def _secretary(actor: Actor) -> None:
    if not is_secretary(actor):
        raise PermissionRefused(_("Chỉ Thư ký Hội đồng Thi đua - Khen thưởng được làm việc này."))


def _open_session(user: User, session_id: int) -> tuple[Actor, VoteSession]:
    """The locked session, still open, for a secretary."""
    actor = load_actor(user)
    session = get_session_for_actor(actor, session_id, for_update=True)
    _secretary(actor)
    _still_open(session)
    return actor, session


def _still_open(session: VoteSession) -> None:
    if session.status != VoteSession.Status.OPEN:
        raise Conflict(_("Phiên bỏ phiếu đã kết thúc."))


def council_session_open(
    *, user: User, term_id: int, campaign_id: int, meets_on: datetime.date,
    nomination_ids: list[int] | None = None, within: Within = None,
) -> VoteSession:
    """Open a session of the term over the campaign's nominations awaiting the council (all of
    them, or those named), each member recorded absent until the secretary says otherwise."""
    with transaction.atomic(durable=True):
        actor = load_actor(user)
        _secretary(actor)
        term = CouncilTerm.objects.filter(pk=term_id).first()
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if term is None or campaign is None:
            raise NotFound(_("Không có nhiệm kỳ Hội đồng hoặc đợt thi đua này."))
        if not term.covers(meets_on):
            raise RuleViolation(reasons=[_("Ngày họp ngoài nhiệm kỳ của Hội đồng.")])
        member_ids = list(term.members.values_list("pk", flat=True))
        if not member_ids:
            raise RuleViolation(reasons=[_("Nhiệm kỳ Hội đồng chưa có thành viên.")])
        waiting = (Nomination.objects.select_for_update(of=("self",))
                   .filter(campaign=campaign, state=State.COUNCIL_VOTE)
                   .exclude(council_items__session__status=VoteSession.Status.OPEN))
        if nomination_ids is not None:
            waiting = waiting.filter(pk__in=nomination_ids)
        nominations = list(waiting.order_by("id"))
        if not nominations or (
            nomination_ids is not None and len(nominations) != len(set(nomination_ids))
        ):
            raise RuleViolation(reasons=[_("Không có đề nghị nào đang chờ Hội đồng bỏ phiếu "
                                           "(hoặc đã thuộc một phiên khác đang họp).")])
        session = VoteSession.objects.create(
            term=term, campaign=campaign, meets_on=meets_on,
            members_total=len(member_ids), opened_by=user,
        )
        params_for(session)  # refuses a campaign without a rule set
        Attendance.objects.bulk_create(
            Attendance(session=session, member_id=m) for m in member_ids
        )
        SessionItem.objects.bulk_create(
            SessionItem(session=session, nomination=n) for n in nominations
        )
        audit_append(actor=user, role=SECRETARY, action="council_session_open",
                     data={"session": session.pk, "term": term.pk,
                           "nominations": [n.pk for n in nominations],
                           "members": len(member_ids)})
        if within is not None:
            within(session)
    return session


def council_attendance_record(*, user: User, session_id: int,
                              statuses: Mapping[int, str], within: Within = None) -> VoteSession:
    """Record who is present, absent, or absent with a written vote (member id -> status)."""
    with transaction.atomic(durable=True):
        session = _open_session(user, session_id)[1]
        rows = {a.member_id: a for a in Attendance.objects.filter(session=session)}
        errors = [str(m) for m, s in statuses.items()
                  if m not in rows or s not in Attendance.Status.values]
        if errors:
            raise InvalidInput(fields={"attendance": [
                _("Không phải thành viên của nhiệm kỳ, hoặc tình trạng không hợp lệ: %(ids)s.")
                % {"ids": ", ".join(errors)}]})
        voted = set(BallotParticipation.objects.filter(item__session=session)
                    .values_list("member_id", flat=True))
        if any(statuses[m] == Attendance.Status.ABSENT for m in voted if m in statuses):
            raise Conflict(_("Thành viên đã bỏ phiếu không thể ghi là vắng mặt."))
        changed = []
        for member_id, status in statuses.items():
            if rows[member_id].status != status:
                rows[member_id].status = status
                changed.append(rows[member_id])
        Attendance.objects.bulk_update(changed, ["status"])
        audit_append(actor=user, role=SECRETARY, action="council_attendance",
                     data={"session": session.pk,
                           "attendance": {str(m): s for m, s in sorted(statuses.items())}})
        if within is not None:
            within(session)
    return session


def council_ballot_cast(*, user: User, session_id: int, choices: Mapping[int, bool],
                        within: Callable[[int], None] | None = None) -> int:
    """A member's secret ballot on some of the session's items (item id -> yes). Each adds
    one to the item's counter and writes who took part, in this one transaction; a second
    ballot on an item is refused. Returns how many ballots were cast."""
    if not choices:
        raise InvalidInput(fields={"choices": [_("Chọn đồng ý hoặc không đồng ý.")]})
    try:
        with transaction.atomic(durable=True):
            actor = load_actor(user)
            session = get_session_for_actor(actor, session_id, for_update=True)
            _still_open(session)
            term = session.term
            if not may_vote(actor, term, set(term.members.values_list("pk", flat=True))):
                raise PermissionRefused(_("Chỉ thành viên của nhiệm kỳ Hội đồng được bỏ phiếu."))
            if not Attendance.objects.filter(
                session=session, member=user,
                status__in=(Attendance.Status.PRESENT, Attendance.Status.WRITTEN),
            ).exists():
                raise RuleViolation(reasons=[_("Thư ký chưa ghi bạn có mặt hoặc có phiếu bằng "
                                               "văn bản tại phiên này.")])
            items = set(SessionItem.objects.filter(session=session, pk__in=list(choices))
                        .values_list("pk", flat=True))
            if items != set(choices):
                raise NotFound(_("Đề nghị không thuộc phiên bỏ phiếu này."))
            # Sorted: the order of the writes says nothing of the order of the choices.
            for item_id in sorted(choices):
                BallotParticipation.objects.create(item_id=item_id, member=user)
                counter = "yes" if choices[item_id] else "no"
                SessionItem.objects.filter(pk=item_id).update(**{counter: F(counter) + 1})
            # The record says who took part, on which items: never how.
            audit_append(actor=user, role="council_member", action="council_ballot_cast",
                         data={"session": session.pk, "items": sorted(choices)})
            if within is not None:
                within(len(choices))
    except IntegrityError as exc:
        raise Conflict(_("Bạn đã bỏ phiếu cho đề nghị này.")) from exc
    return len(choices)


def council_paper_tally(
    *, user: User, session_id: int, tallies: Mapping[int, tuple[int, int]],
    minutes_name: str, minutes: bytes, within: Within = None,
) -> VoteSession:
    """The secretary enters the count of the paper ballots (and written votes) per item:
    item id -> (yes, ballots), with the signed minutes attached (stored as dossier files)."""
    if not minutes:
        raise InvalidInput(fields={"minutes": [_("Đính kèm biên bản kiểm phiếu.")]})
    if len(minutes) > MAX_MINUTES_BYTES:
        raise InvalidInput(fields={"minutes": [_("Tệp lớn hơn giới hạn 20 MB.")]})
    mime = _sniff(minutes)
    if mime is None:
        raise InvalidInput(fields={"minutes": [_("Chỉ nhận tệp PDF, DOCX, XLSX hoặc ảnh.")]})
    bad = [str(i) for i, (yes, ballots) in tallies.items() if not 0 <= yes <= ballots]
    if not tallies or bad:
        raise InvalidInput(fields={"tallies": [
            _("Số phiếu đồng ý phải từ 0 đến số phiếu thu về.")]})
    stored = default_storage.save(f"council/{timezone.now():%Y}/{uuid.uuid4().hex}."
                                  f"{ALLOWED[mime]}", ContentFile(minutes))
    try:
        with transaction.atomic(durable=True):
            session = _open_session(user, session_id)[1]
            items = {i.pk: i for i in SessionItem.objects.select_for_update()
                     .filter(session=session, pk__in=list(tallies))}
            if set(items) != set(tallies):
                raise NotFound(_("Đề nghị không thuộc phiên bỏ phiếu này."))
            voters = Attendance.objects.filter(session=session).exclude(
                status=Attendance.Status.ABSENT).count()
            for item_id, (yes, ballots) in tallies.items():
                item = items[item_id]
                if item.yes + item.no + ballots > voters:
                    raise RuleViolation(reasons=[_(
                        "Số phiếu (%(n)d) nhiều hơn số thành viên có mặt hoặc có phiếu bằng "
                        "văn bản (%(v)d).") % {"n": item.yes + item.no + ballots, "v": voters}])
                item.paper_yes, item.paper_ballots = yes, ballots
            SessionItem.objects.bulk_update(list(items.values()), ["paper_yes", "paper_ballots"])
            session.minutes = stored
            session.minutes_name = (minutes_name or "bien-ban").replace("/", "_")[:255]
            session.minutes_sha256 = hashlib.sha256(minutes).hexdigest()
            session.save(update_fields=["minutes", "minutes_name", "minutes_sha256"])
            audit_append(actor=user, role=SECRETARY, action="council_paper_tally",
                         data={"session": session.pk, "sha256": session.minutes_sha256,
                               "tallies": {str(i): list(t) for i, t in sorted(tallies.items())}})
            if within is not None:
                within(session)
    except Exception:
        default_storage.delete(stored)
        raise
    return session


def council_quota_set(*, user: User, session_id: int, award_code: str,
                      quota: int | None, within: Within = None) -> VoteSession:
    """At most `quota` of the award may pass in this session (None: no quota)."""
    if quota is not None and quota < 0:
        raise InvalidInput(fields={"quota": [_("Chỉ tiêu không được âm.")]})
    with transaction.atomic(durable=True):
        session = _open_session(user, session_id)[1]
        if not Award.objects.filter(code=award_code).exists():
            raise InvalidInput(fields={"award": [_("Không có danh hiệu này.")]})
        quotas = dict(session.quotas)
        if quota is None:
            quotas.pop(award_code, None)
        else:
            quotas[award_code] = quota
        session.quotas = quotas
        session.save(update_fields=["quotas"])
        # A new quota makes a new cut: earlier choices of the chair no longer hold.
        SessionItem.objects.filter(session=session, nomination__award__code=award_code).update(
            chair_chosen=None)
        audit_append(actor=user, role=SECRETARY, action="council_quota_set",
                     data={"session": session.pk, "award": award_code, "quota": quota})
        if within is not None:
            within(session)
    return session


def council_tie_break(*, user: User, session_id: int, award_code: str,
                      chosen: list[int], within: Within = None) -> VoteSession:
    """The chair chooses which of the candidates tied at the award's quota pass; the choice
    is recorded on the items and in the history."""
    with transaction.atomic(durable=True):
        actor = load_actor(user)
        session = get_session_for_actor(actor, session_id, for_update=True)
        _still_open(session)
        if user.pk != session.term.chair_id:
            raise PermissionRefused(_("Chỉ Chủ tịch Hội đồng quyết định trường hợp bằng phiếu."))
        outcome = session_outcome(session)
        tied = [o for o in outcome.items if o.tied and o.nomination.award.code == award_code]
        places = int(session.quotas.get(award_code, 0)) - sum(
            1 for o in outcome.items if o.nomination.award.code == award_code and o.passed
            and not o.tied)
        tied_ids = {o.item.pk for o in tied}
        if not tied or not set(chosen) <= tied_ids or len(set(chosen)) != places:
            raise InvalidInput(fields={"chosen": [
                _("Chọn đúng %(n)d trong số các đề nghị bằng phiếu.") % {"n": max(places, 0)}]})
        for o in tied:
            o.item.chair_chosen = o.item.pk in chosen
        SessionItem.objects.bulk_update([o.item for o in tied], ["chair_chosen"])
        audit_append(actor=user, role="chair", action="council_tie_break",
                     data={"session": session.pk, "award": award_code,
                           "chosen": sorted(chosen), "tied": sorted(tied_ids)})
        if within is not None:
            within(session)
    return session


def _fail_reason(o: Outcome, item_outcome: ItemOutcome) -> str:
    tally = _("%(yes)d/%(n)d phiếu đồng ý (cần từ %(t)s%% tổng số thành viên)") % {
        "yes": item_outcome.votes_for, "n": o.members, "t": item_outcome.threshold}
    if item_outcome.reason == "quota":
        return _("Hội đồng Thi đua - Khen thưởng: đạt %(tally)s nhưng ngoài chỉ tiêu của "
                 "phiên.") % {"tally": tally}
    return _("Hội đồng Thi đua - Khen thưởng không thông qua: %(tally)s.") % {"tally": tally}


def council_session_close(*, user: User, session_id: int,
                          within: Within = None) -> Outcome:
    """Close the session: in one durable transaction, each nomination moves on by its computed
    outcome (passed: to the Director; failed: rejected, the tally as reason), each with its
    history record. Refused while the quorum is not met or a tie waits for the chair."""
    with transaction.atomic(durable=True):
        session = _open_session(user, session_id)[1]
        outcome = session_outcome(session)
        if not outcome.may_close:
            raise RuleViolation(reasons=outcome.refusals())
        # A nomination withdrawn while the session sat is no longer the council's to decide.
        deciding = [o for o in outcome.items if o.nomination.state == State.COUNCIL_VOTE]
        for o in deciding:
            o.item.passed = o.passed
        SessionItem.objects.bulk_update([o.item for o in deciding], ["passed"])
        for o in deciding:
            inputs = {"session": session.pk, "votes_for": o.votes_for,
                      "votes_total": outcome.members,
                      "comment": "" if o.passed else _fail_reason(outcome, o)}
            nomination_act(user=user, nomination_id=o.nomination.pk,
                           action="council_pass" if o.passed else "council_fail",
                           inputs=inputs, batched=True)
        session.status = VoteSession.Status.CLOSED
        session.closed_at = timezone.now()
        session.save(update_fields=["status", "closed_at"])
        audit_append(actor=user, role=SECRETARY, action="council_session_close",
                     data={"session": session.pk, **{
                         "members": outcome.members, "present": outcome.present,
                         "written": outcome.written, "quorum": outcome.quorum},
                         "passed": [o.nomination.pk for o in deciding if o.passed],
                         "failed": [o.nomination.pk for o in deciding if not o.passed],
                         "left": [o.nomination.pk for o in outcome.items if o not in deciding]})
        if within is not None:
            within(session)
    return outcome
