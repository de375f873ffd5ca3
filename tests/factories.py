"""Building blocks for tests: an organisation, one person per role, nominations in any state."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.bonus import load_base_salaries
from approvals.catalogue import load_catalogue
from approvals.council import (
    council_attendance_record,
    council_paper_tally,
    council_session_close,
    council_session_open,
)
from approvals.deadline_data import load_deadline_data
from approvals.delegations import delegation_create
from approvals.models import (
    Award,
    BaseSalary,
    CalendarDay,
    Campaign,
    CouncilTerm,
    DeadlineRulesVersion,
    DossierDocument,
    Membership,
    Nomination,
    PastAward,
    PendingCase,
    Person,
    RuleSet,
    TimeLimit,
    Unit,
    YearRating,
)
from approvals.roles import Role
from approvals.rulesets import load_rule_sets
from approvals.services import nomination_create, role_grant
from approvals.states import State
from workflow import deadlines, services, sla

PASSWORD = "test-pass-123"

# The base fixture set: one person per role (unit roles in unit A, the rest
# for the whole body) plus outsiders who hold unit roles in unit B.
PEOPLE = {
    "staff": (Role.UNIT_STAFF, "don-vi-a"),
    "head": (Role.UNIT_HEAD, "don-vi-a"),
    "reviewer": (Role.STANDING_REVIEWER, None),
    "member": (Role.COUNCIL_MEMBER, None),
    "secretary": (Role.COUNCIL_SECRETARY, None),
    "director": (Role.DIRECTOR, None),
    "auditor": (Role.AUDITOR, None),
    "manager": (Role.MANAGER, None),
    "liaison": (Role.LIAISON, None),
    "admin": (Role.ADMIN, None),
    "outsider_staff": (Role.UNIT_STAFF, "don-vi-b"),
    "outsider_head": (Role.UNIT_HEAD, "don-vi-b"),
}


def load_reference_data():
    """The catalogue, the deadline rules, the rule sets and the base salaries the data
    migrations loaded: a transactional test's flush empties them."""
    load_catalogue(Award)
    load_deadline_data(TimeLimit, CalendarDay, DeadlineRulesVersion)
    load_rule_sets(RuleSet)
    load_base_salaries(BaseSalary)


def make_org():
    load_reference_data()
    body = Unit.objects.create(
        code="co-quan", name="Cơ quan thử nghiệm", kind="body", has_legal_personality=True,
        place="Hà Nội",
    )
    unit_a = Unit.objects.create(code="don-vi-a", name="Đơn vị A", kind="regional", parent=body)
    unit_b = Unit.objects.create(code="don-vi-b", name="Đơn vị B", kind="regional", parent=body)
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        code="tong-ket",
        name="Tổng kết năm",
        kind="yearly",
        year=today.year,
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today + datetime.timedelta(days=60),
        submission_deadline=today + datetime.timedelta(days=30),
    )
    return {"body": body, "a": unit_a, "b": unit_b, "campaign": campaign}


def make_people(org) -> dict:
    units = {"don-vi-a": org["a"], "don-vi-b": org["b"]}
    User = get_user_model()
    people = {}
    for name, (role, unit_code) in PEOPLE.items():
        user = User.objects.create_user(username=name, password=PASSWORD, first_name=name)
        role_grant(user=user, role=role, unit=units.get(unit_code))
        people[name] = user
    return people


def award(code="lao-dong-tien-tien") -> Award:
    return Award.objects.get(code=code)


def member(unit, name="Nguyễn Văn An", *, gender=Person.Gender.MALE, since=None, until=None):
    """A new person of the register, a member of `unit` from `since` (default: long ago)."""
    person = Person.objects.create(full_name=name, gender=gender, position="Chấp hành viên")
    Membership.objects.create(
        person=person, unit=unit, starts_on=since or datetime.date(2000, 1, 1), ends_on=until
    )
    return person


def qualify(person, year):
    """Records that meet the law for LĐTT and CSTĐCS in `year`: rated "excellent" for the
    whole year, holding LĐTT of that year (a past award)."""
    YearRating.objects.create(person=person, year=year, rating="excellent", months_worked=12)
    PastAward.objects.create(
        person=person, award=award("lao-dong-tien-tien"), year=year,
        decision_number=f"{year}/QĐ-LĐTT", decision_date=datetime.date(year, 1, 1),
        decider="Thủ trưởng cơ quan",
    )
    return person


def complete_dossier(nomination, user):
    """A file of every kind the award's checklist asks for (rows only: no upload history)."""
    for kind in nomination.award.required_documents:
        DossierDocument.objects.create(
            nomination=nomination, kind=kind, file=f"dossiers/test/{kind}.pdf",
            original_name=f"{kind}.pdf", content_type="application/pdf", size=8,
            sha256="0" * 64, uploaded_by=user,
        )
    return nomination


def new_draft(org, people, *, award_code="lao-dong-tien-tien", unit="a", name="Nguyễn Văn An",
              person=None, collective=None, dossier=True):
    """A draft of `unit` for a person (by default a new member of the unit named `name`, each
    call a namesake of its own, whose records meet the law) or, for a collective award, the
    unit itself; with `dossier`, every document its award's checklist asks for."""
    staff = people["staff"] if unit == "a" else people["outsider_staff"]
    chosen = award(award_code)
    if chosen.subject == Award.Subject.COLLECTIVE:
        nominee = {"nominee_unit_id": (collective or org[unit]).pk}
    else:
        chosen_person = person or qualify(member(org[unit], name), org["campaign"].year)
        nominee = {"nominee_person_id": chosen_person.pk}
    draft = nomination_create(
        user=staff,
        unit_id=org[unit].pk,
        campaign_id=org["campaign"].pk,
        award_id=chosen.pk,
        achievements="Hoàn thành xuất sắc nhiệm vụ.",
        **nominee,
    )
    return complete_dossier(draft, staff) if dossier else draft


def unit_person(people, n, name):
    """The unit's own staff or head: unit A's are "staff"/"head", unit B's the outsiders."""
    return people[name] if n.unit.code == "don-vi-a" else people[f"outsider_{name}"]


# Each step moves a nomination one stage along the happy path.
def _step(people, n, state):
    p = people
    if state in (State.DRAFT, State.RETURNED):
        return services.nomination_submit(user=unit_person(p, n, "head"), nomination_id=n.pk)
    if state == State.SUBMITTED:
        return services.nomination_claim(user=p["reviewer"], nomination_id=n.pk)
    if state == State.IN_REVIEW:
        to = "council" if n.award.requires_council_vote else "director"
        return services.nomination_recommend(user=p["reviewer"], nomination_id=n.pk, to=to)
    if state == State.COUNCIL_VOTE:
        return council_decide(p, [n])[0]
    if state == State.AWAITING_DIRECTOR:
        return services.nomination_approve(
            user=p["director"],
            nomination_id=n.pk,
            decision_number="15/QĐ-TĐKT",
            decision_date=timezone.localdate(),
        )
    if state == State.APPROVED:
        return services.nomination_report(
            user=p["liaison"], nomination_id=n.pk, report_number="12/BC-THADS",
            report_date=timezone.localdate(),
        )
    raise ValueError(f"no forward step from {state}")


def nomination_in(org, people, state, **kwargs):
    """A nomination driven through the services into `state`."""
    if state == State.COUNCIL_VOTE:
        kwargs.setdefault("award_code", "chien-si-thi-dua-co-so")
    if state == State.DEFERRED:
        # Submitted while a case about the nominee is pending.
        person = kwargs.setdefault("person", qualify(member(org[kwargs.get("unit", "a")]),
                                                     org["campaign"].year))
        PendingCase.objects.create(person=person, kind="inspection",
                                   opened_on=timezone.localdate())
    n = new_draft(org, people, **kwargs)
    detours = {
        State.DEFERRED: [State.DRAFT],
        State.RETURNED: [State.DRAFT, State.SUBMITTED],
        State.REJECTED: [State.DRAFT, State.SUBMITTED],
        State.WITHDRAWN: [State.DRAFT],
        State.REVOKED: _path_to(n, State.APPROVED),
    }
    path = detours.get(state) or _path_to(n, state)
    for current in path:
        n = _step(people, n, current)
    if state == State.RETURNED:
        n = services.nomination_return(
            user=people["reviewer"], nomination_id=n.pk, comment="Bổ sung"
        )
    elif state == State.REJECTED:
        n = services.nomination_reject(
            user=people["reviewer"], nomination_id=n.pk, comment="Không đạt"
        )
    elif state == State.WITHDRAWN:
        n = services.nomination_withdraw(
            user=unit_person(people, n, "head"), nomination_id=n.pk, comment="Rút"
        )
    elif state == State.REVOKED:
        n = services.nomination_revoke(
            user=people["director"], nomination_id=n.pk, revocation_number="9/QĐ-THKT",
            revocation_date=timezone.localdate(), comment="Khai man thành tích",
        )
    assert n.state == state
    return n


_ORDER = [
    State.DRAFT,
    State.SUBMITTED,
    State.IN_REVIEW,
    State.COUNCIL_VOTE,
    State.AWAITING_DIRECTOR,
    State.APPROVED,
    State.REPORTED,
]


def _path_to(n, state):
    order = [s for s in _ORDER if s != State.COUNCIL_VOTE or n.award.requires_council_vote]
    return order[: order.index(state)]


def make_second_reviewer():
    return get_user_model().objects.create_user(
        username="reviewer2", password=PASSWORD, first_name="reviewer2"
    )


def working_days_ago(n: int) -> datetime.date:
    """The day from which exactly `n` working days have passed by today, on any day of the
    week: counted back from the last working day on or before today (on a Saturday, from
    Friday), so that sla.working_days_between(working_days_ago(n), today) == n."""
    today = timezone.localdate()
    last_working = sla.add_working_days(sla.add_working_days(today, 1), -1)
    return sla.add_working_days(last_working, -n)


def backdate_clock(n, working_days: int, *, returned_days: int | None = None):
    """Make `n`'s stage clock have started `working_days` ago (and its return `returned_days`
    ago), then let the refresh that an edit of the rules runs compute its due date.

    The start is counted back from today itself, so that a stage of L working days
    backdated by L is due today, on any day of the week (on a Saturday: due Monday, not
    overdue); the return is `working_days_ago`, so that the unit has held it exactly
    `returned_days` working days."""
    today = timezone.localdate()
    fields = {"clock_started_on": sla.add_working_days(today, -working_days)}
    if returned_days is not None:
        fields["returned_on"] = working_days_ago(returned_days)
    type(n).objects.filter(pk=n.pk).update(**fields)
    deadlines.due_dates_refresh()
    return type(n).objects.get(pk=n.pk)


def person(username, *grants, first_name="", last_name=""):
    """A new user holding `grants`: (role, unit or None) pairs."""
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=first_name or username,
        last_name=last_name,
    )
    for role, unit in grants:
        role_grant(user=user, role=role, unit=unit)
    return user


def delegate(delegator, substitute, role, *, unit=None, days=(0, 0), note=""):
    """Lend `role` through the service, from today + days[0] to today + days[1]."""
    today = timezone.localdate()
    return delegation_create(
        user=delegator, substitute_id=substitute.pk, role=role,
        unit_id=unit.pk if unit is not None else None,
        starts_on=today + datetime.timedelta(days=days[0]),
        ends_on=today + datetime.timedelta(days=days[1]), note=note,
    )


# A signed minutes' first bytes: enough for the content check (a PDF).
MINUTES = b"%PDF-1.4\n% Bien ban kiem phieu\n%%EOF\n"


def council_term(people, *, size=7, new=False, name="Hội đồng Thi đua - Khen thưởng"):
    """The body's council term in force (made once unless `new`): the Director as its chair,
    the council member, and as many more members (no role) as make `size`."""
    body = Unit.objects.filter(parent__isnull=True).order_by("id").first()
    found = None if new else CouncilTerm.objects.filter(body=body).first()
    if found is not None:
        return found
    today = timezone.localdate()
    term = CouncilTerm.objects.create(
        body=body, name=name, chair=people["director"],
        starts_on=today - datetime.timedelta(days=365),
    )
    User = get_user_model()
    others = [
        User.objects.get_or_create(username=f"hd-thanh-vien-{i}",
                                   defaults={"first_name": f"Thành viên {i}"})[0]
        for i in range(3, size + 1)
    ]
    term.members.set([people["director"], people["member"], *others][:size])
    return term


def council_decide(people, nominations, *, yes=None, term=None):
    """Decide `nominations` (all awaiting the council) by a real session of `term` (default:
    council_term): every member present, the secretary enters a paper tally of `yes` votes
    (a number for all, or nomination id -> number; default: every member) with minutes, and
    closes it. Returns the nominations as they are after the close."""
    term = term or council_term(people)
    secretary = people["secretary"]
    size = term.members.count()
    session = council_session_open(
        user=secretary, term_id=term.pk, campaign_id=nominations[0].campaign_id,
        meets_on=timezone.localdate(), nomination_ids=[n.pk for n in nominations],
    )
    council_attendance_record(user=secretary, session_id=session.pk, statuses={
        m: "present" for m in term.members.values_list("pk", flat=True)})
    items = dict(session.items.values_list("nomination_id", "pk"))

    def yes_for(n):
        if yes is None:
            return size
        return yes.get(n.pk, size) if isinstance(yes, dict) else yes

    council_paper_tally(user=secretary, session_id=session.pk, minutes_name="bien-ban.pdf",
                        minutes=MINUTES,
                        tallies={items[n.pk]: (yes_for(n), size) for n in nominations})
    council_session_close(user=secretary, session_id=session.pk)
    return [Nomination.objects.get(pk=n.pk) for n in nominations]
