"""The council's pages: the sessions, the secretary's session page (attendance, paper tally,
quotas, the computed outcome, closing), the chair's tie break and the member's ballot."""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import council
from approvals.access import request_actor
from approvals.council_selectors import (
    attendance_rows,
    ballot_page,
    get_session_for_actor,
    is_secretary,
    session_outcome,
    sessions_for_actor,
    term_in_force,
)
from approvals.models import Attendance, Campaign, CouncilTerm, VoteSession
from workflow.errors import InvalidInput, NotFound, WorkflowError

from .common import render_error


def _session_or_404(request, pk: int) -> VoteSession:
    try:
        return get_session_for_actor(request_actor(request), pk)
    except NotFound:
        raise Http404 from None


def _int(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise InvalidInput(fields={field: [_("Nhập một số nguyên.")]}) from None


@login_required
def council_home(request) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "sessions": sessions_for_actor(actor)[:50],
        "secretary": is_secretary(actor),
        "terms": CouncilTerm.objects.order_by("-starts_on"),
        "term_now": term_in_force(timezone.localdate()),
        "campaigns": Campaign.objects.order_by("-year", "name"),
        "today": timezone.localdate(),
    }
    if request.method == "POST":
        try:
            day = datetime.date.fromisoformat(request.POST.get("meets_on", ""))
        except ValueError:
            return render_error(request, "approvals/council_home.html", context, InvalidInput(
                fields={"meets_on": [_("Nhập ngày họp hợp lệ.")]}))
        try:
            session = council.council_session_open(
                user=request.user, term_id=_int(request.POST.get("term"), "term"),
                campaign_id=_int(request.POST.get("campaign"), "campaign"), meets_on=day)
        except WorkflowError as exc:
            return render_error(request, "approvals/council_home.html", context, exc)
        return redirect("council-session", session.pk)
    return render(request, "approvals/council_home.html", context)


def _session_context(request, session: VoteSession) -> dict[str, Any]:
    actor = request_actor(request)
    return {
        "session": session,
        "outcome": session_outcome(session),
        "secretary": is_secretary(actor),
        "chair": request.user.pk == session.term.chair_id,
        "attendance": attendance_rows(session),
        "statuses": Attendance.Status.choices,
    }


@login_required
def session_page(request, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    return render(request, "approvals/council_session.html", _session_context(request, session))


def _attendance(request, session: VoteSession) -> None:
    statuses = {m: request.POST.get(f"member-{m}", "") for m in
                session.attendance.values_list("member_id", flat=True)}
    council.council_attendance_record(user=request.user, session_id=session.pk,
                                      statuses={m: s for m, s in statuses.items() if s})


def _tally(request, session: VoteSession) -> None:
    tallies = {}
    for item in session.items.all():
        yes, ballots = (request.POST.get(f"{k}-{item.pk}", "") for k in ("yes", "ballots"))
        if yes or ballots:
            tallies[item.pk] = (_int(yes, f"yes-{item.pk}"), _int(ballots, f"ballots-{item.pk}"))
    upload = request.FILES.get("minutes")
    council.council_paper_tally(user=request.user, session_id=session.pk, tallies=tallies,
                                minutes_name=(upload.name or "") if upload else "",
                                minutes=upload.read() if upload else b"")


def _quota(request, session: VoteSession) -> None:
    raw = request.POST.get("quota", "").strip()
    council.council_quota_set(user=request.user, session_id=session.pk,
                              award_code=request.POST.get("award", ""),
                              quota=_int(raw, "quota") if raw else None)


def _tie_break(request, session: VoteSession) -> None:
    council.council_tie_break(user=request.user, session_id=session.pk,
                              award_code=request.POST.get("award", ""),
                              chosen=[_int(v, "chosen") for v in request.POST.getlist("chosen")])


def _close(request, session: VoteSession) -> None:
    council.council_session_close(user=request.user, session_id=session.pk)


STEPS: dict[str, Callable[[Any, VoteSession], None]] = {
    "attendance": _attendance, "tally": _tally, "quota": _quota, "tie-break": _tie_break,
    "close": _close,
}


@login_required
@require_POST
def session_step(request, pk: int, step: str) -> HttpResponse:
    session = _session_or_404(request, pk)
    if step not in STEPS:
        raise Http404
    try:
        STEPS[step](request, session)
    except WorkflowError as exc:
        session = _session_or_404(request, pk)
        return render_error(request, "approvals/council_session.html",
                            _session_context(request, session), exc)
    return redirect("council-session", pk)


@login_required
def ballot(request, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    actor = request_actor(request)
    if request.method == "POST":
        choices = {}
        for item in session.items.all():
            value = request.POST.get(f"item-{item.pk}", "")
            if value in ("yes", "no"):
                choices[item.pk] = value == "yes"
        try:
            council.council_ballot_cast(user=request.user, session_id=session.pk,
                                        choices=choices)
        except WorkflowError as exc:
            return render_error(request, "approvals/council_ballot.html",
                                {"page": ballot_page(actor, session)}, exc)
        return redirect("council-ballot", pk)
    return render(request, "approvals/council_ballot.html", {"page": ballot_page(actor, session)})
