"""Every action, declared once: who may take it from which state, what it asks for,
who must hold the task, whether it needs a reason and whether it may run in bulk.

The services check it, and everything a person is offered derives from it: the
web's action forms and bulk form, the API's request bodies (hence its OpenAPI
schema) and bulk body, the order in which actions are offered, and the services'
holder checks. Adding an input to an action is one `Input(...)` line here.
"""

import enum
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.status import STATUS

from approvals.roles import UNIT_ROLES, Role
from approvals.states import EDITABLE_STATES, OPEN_STATES, State

MAX_COMMENT = 4000


class Kind(enum.StrEnum):
    """The type of an action's input; the schemas turn text into these Python types."""

    TEXT = "text"  # str
    INT = "int"  # int
    DATE = "date"  # datetime.date
    CHOICE = "choice"  # str, one of `choices`
    BOOL = "bool"  # bool
    USER = "user"  # int: a user id, offered from approvals.access.assignee_choices




@dataclass(frozen=True)
class Input:
    name: str
    kind: Kind
    label: str | Promise
    required: bool = True
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    choices: tuple[tuple[str, str | Promise], ...] = ()
    help_text: str | Promise = ""
    # Choices offered on a given nomination (a subset of `choices`); the service decides.
    offered: Callable[[Any], tuple[tuple[str, str | Promise], ...]] | None = None
    # A default shown in the web form: "today" for dates.
    initial: str = ""
    # A date that cannot be later than today (the date of a signed document).
    not_future: bool = False


class Holder(enum.StrEnum):
    """What the action needs of the nomination's open viewflow task."""

    NONE = "none"  # no rule on the task (editing, submitting, withdrawing)
    QUEUED = "queued"  # an open task that nobody holds (claiming it)
    CLAIMED = "claimed"  # an open task that somebody holds (handing it to another)
    HOLDER = "holder"  # only the task's holder; from `claim_from` an unclaimed task is taken


@dataclass(frozen=True)
class Rule:
    action: str
    label: str | Promise
    # role -> the states from which that role may take the action
    by_role: Mapping[str, frozenset[str]] = field(default_factory=dict)
    inputs: tuple[Input, ...] = ()
    comment_required: bool = False
    holder: Holder = Holder.NONE
    # States in which an unclaimed task is claimed on the way (Holder.HOLDER only).
    claim_from: frozenset[str] = frozenset()
    bulk: bool = False
    # The question asked before the action is taken in the web app ("" = none), and how
    # its button looks: "primary" (moves the proposal on), "danger" (ends or refuses it).
    confirm: str | Promise = ""
    tone: str = ""
    # Only offered as its own page or link, not as a lifecycle form (editing, documents).
    content: bool = False
    # Roles that may take it only on an item overdue in its stage (escalation: the
    # nomination's stored due date is past, workflow.sla; approvals.selectors.escalation_q).
    overdue_only: frozenset[str] = frozenset()
    # Taken only by closing a council session (approvals.council), never offered by itself:
    # no form, no API endpoint, no bulk.
    session: bool = False

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.by_role)

    def sources_for(self, roles: set[str] | frozenset[str]) -> frozenset[str]:
        return frozenset(s for r in roles for s in self.by_role.get(r, ()))

    def roles_for(self, roles_here: set[str] | frozenset[str], state: str, *,
                  overdue: bool) -> list[str]:
        """The actor's roles that may take it from `state` now, in the table's order: those
        of `overdue_only` only when the item is overdue in its stage."""
        return [r for r in self.by_role if r in roles_here and state in self.by_role[r]
                and (overdue or r not in self.overdue_only)]

    def input(self, name: str) -> Input:
        return next(i for i in self.inputs if i.name == name)


S = State
R = Role


def _states(*states: str) -> frozenset[str]:
    return frozenset(states)


_EDITABLE = frozenset(EDITABLE_STATES)
# The states in which a task can be claimed by someone (handing work around).
_HELD = frozenset({S.IN_REVIEW, S.COUNCIL_VOTE, S.AWAITING_DIRECTOR, S.APPROVED})
_UNIT: dict[str, frozenset[str]] = {R.UNIT_STAFF: _EDITABLE, R.UNIT_HEAD: _EDITABLE}
RECOMMEND_TO = (
    ("director", _("Thủ trưởng cơ quan")),
    ("council", _("Hội đồng Thi đua - Khen thưởng bỏ phiếu")),
)


def _recommend_offered(nomination: Any) -> tuple[tuple[str, str | Promise], ...]:
    """An award that needs the council's vote is never sent straight to the Director."""
    if nomination.award.requires_council_vote:
        return tuple(c for c in RECOMMEND_TO if c[0] == "council")
    return RECOMMEND_TO


# What a council session's close records with each nomination's outcome.
_COUNCIL_INPUTS = (
    Input("session", Kind.INT, _("Phiên bỏ phiếu"), min_value=1),
    Input("votes_for", Kind.INT, _("Số phiếu đồng ý"), min_value=0, max_value=1000),
    Input("votes_total", Kind.INT, _("Tổng số thành viên"), min_value=1, max_value=1000),
)


# The declaration order is the order in which actions are offered: the lifecycle first,
# then handing work around, then the content.
POLICY: dict[str, Rule] = {
    rule.action: rule
    for rule in [
        Rule(
            "claim",
            _("Nhận xử lý"),
            {
                R.STANDING_REVIEWER: _states(S.SUBMITTED, S.APPROVED),
                R.COUNCIL_SECRETARY: _states(S.COUNCIL_VOTE),
                R.DIRECTOR: _states(S.AWAITING_DIRECTOR),
                R.LIAISON: _states(S.APPROVED),
            },
            holder=Holder.QUEUED,
            bulk=True,
            tone="primary",
        ),
        Rule(
            "submit",
            _("Trình đề nghị"),
            {R.UNIT_HEAD: _states(S.DRAFT, S.RETURNED)},
            bulk=True,
            tone="primary",
        ),
        Rule(
            "recommend",
            _("Đề xuất"),
            {R.STANDING_REVIEWER: _states(S.IN_REVIEW)},
            inputs=(
                Input(
                    "to",
                    Kind.CHOICE,
                    _("Đề xuất tới"),
                    choices=RECOMMEND_TO,
                    offered=_recommend_offered,
                ),
            ),
            holder=Holder.HOLDER,
            bulk=True,
            tone="primary",
        ),
        # The council's vote (approvals/council.py): closing a session moves each nomination
        # on by its computed outcome; nobody takes these by hand (Rule.session).
        Rule(
            "council_pass",
            _("Thông qua"),
            {R.COUNCIL_SECRETARY: _states(S.COUNCIL_VOTE)},
            inputs=_COUNCIL_INPUTS,
            session=True,
        ),
        Rule(
            "council_fail",
            _("Không thông qua"),
            {R.COUNCIL_SECRETARY: _states(S.COUNCIL_VOTE)},
            inputs=_COUNCIL_INPUTS,
            session=True,
        ),
        # A soft fail of the eligibility rules (approvals/eligibility.py) is for a person to
        # confirm: the standing reviewer overrides it with a written justification (the
        # comment), recorded in the history; until then the proposal is not recommended.
        Rule(
            "override_soft_fail",
            _("Xác nhận tiêu chuẩn cần xem xét"),
            {R.STANDING_REVIEWER: _states(S.IN_REVIEW)},
            comment_required=True,
            holder=Holder.HOLDER,
            confirm=_("Xác nhận đề nghị đạt các tiêu chuẩn cần xem xét? Giải trình được ghi "
                      "vào lịch sử."),
        ),
        Rule(
            "approve",
            _("Phê duyệt"),
            {R.DIRECTOR: _states(S.AWAITING_DIRECTOR)},
            inputs=(
                Input("decision_number", Kind.TEXT, _("Số quyết định"), max_length=60),
                Input(
                    "decision_date",
                    Kind.DATE,
                    _("Ngày quyết định (dd/mm/yyyy)"),
                    initial="today",
                    not_future=True,
                ),
                # The decision's place when this approval issues it (approvals.decision_lines);
                # empty: the issuing body's own.
                Input("place", Kind.TEXT, _("Địa danh"), required=False, max_length=100,
                      help_text=_("Để trống: địa danh của cơ quan.")),
            ),
            holder=Holder.HOLDER,
            claim_from=_states(S.AWAITING_DIRECTOR),
            bulk=True,
            confirm=_("Phê duyệt đề nghị này? Đề nghị được ghi vào quyết định khen thưởng có số "
                      "đã nhập, với tiền thưởng, và vào lịch sử."),
            tone="primary",
        ),
        Rule(
            "report",
            _("Báo cáo Ban Thi đua - Khen thưởng tỉnh"),
            {R.LIAISON: _states(S.APPROVED), R.STANDING_REVIEWER: _states(S.APPROVED)},
            inputs=(
                Input("report_number", Kind.TEXT, _("Số văn bản báo cáo"), max_length=60),
                Input(
                    "report_date",
                    Kind.DATE,
                    _("Ngày văn bản báo cáo (dd/mm/yyyy)"),
                    initial="today",
                    not_future=True,
                ),
            ),
            holder=Holder.HOLDER,
            claim_from=_states(S.APPROVED),
            bulk=True,
            tone="primary",
        ),
        # Thu hồi khen thưởng (Law 06/2022 ch. VII: fraud, a false dossier): the Director
        # revokes an award already decided (and maybe reported), with a reason (the
        # comment) and the revocation decision; the bonus is flagged for recovery.
        Rule(
            "revoke",
            _("Thu hồi / hủy bỏ khen thưởng"),
            {R.DIRECTOR: _states(S.APPROVED, S.REPORTED)},
            inputs=(
                Input("revocation_number", Kind.TEXT, _("Số quyết định thu hồi"),
                      max_length=60),
                Input(
                    "revocation_date",
                    Kind.DATE,
                    _("Ngày quyết định thu hồi (dd/mm/yyyy)"),
                    initial="today",
                    not_future=True,
                ),
            ),
            comment_required=True,
            confirm=_("Thu hồi khen thưởng này? Tiền thưởng sẽ được đánh dấu phải thu hồi và "
                      "điển hình (nếu có) bị gỡ khỏi trang công khai."),
            tone="danger",
        ),
        Rule(
            "return",
            _("Trả lại để bổ sung"),
            {R.STANDING_REVIEWER: _states(S.IN_REVIEW), R.DIRECTOR: _states(S.AWAITING_DIRECTOR)},
            comment_required=True,
            holder=Holder.HOLDER,
            claim_from=_states(S.AWAITING_DIRECTOR),
            bulk=True,
        ),
        Rule(
            "reject",
            _("Không đề nghị / từ chối"),
            {R.STANDING_REVIEWER: _states(S.IN_REVIEW), R.DIRECTOR: _states(S.AWAITING_DIRECTOR)},
            comment_required=True,
            holder=Holder.HOLDER,
            claim_from=_states(S.AWAITING_DIRECTOR),
            bulk=True,
            confirm=_("Từ chối đề nghị này? Đề nghị sẽ kết thúc và không thể tiếp tục xử lý."),
            tone="danger",
        ),
        Rule(
            "release",
            _("Trả lại hàng chờ"),
            {
                R.STANDING_REVIEWER: _states(S.IN_REVIEW, S.APPROVED),
                R.COUNCIL_SECRETARY: _states(S.COUNCIL_VOTE),
                R.DIRECTOR: _states(S.AWAITING_DIRECTOR),
                R.LIAISON: _states(S.APPROVED),
            },
            holder=Holder.HOLDER,
            bulk=True,
        ),
        # Escalation (issue 10): a manager takes claimed work back from its holder, once it is
        # overdue in its stage. Its own row, not a role of "release": release is the holder's
        # alone (Holder.HOLDER), while the manager holds nothing (Holder.CLAIMED), and must
        # say why.
        Rule(
            "escalate_release",
            _("Thu hồi về hàng chờ"),
            {R.MANAGER: _HELD},
            comment_required=True,
            holder=Holder.CLAIMED,
            confirm=_("Thu hồi đề nghị này khỏi người đang xử lý và trả về hàng chờ?"),
            overdue_only=frozenset({R.MANAGER}),
        ),
        # Taking work from its holder always needs a reason, whoever does it. A manager
        # reassigns overdue work only (escalation); an administrator, any claimed work.
        Rule(
            "reassign",
            _("Giao lại cho người khác"),
            {role: _HELD for role in (R.ADMIN, R.MANAGER)},
            inputs=(
                Input("assignee", Kind.USER, _("Giao cho"), help_text=_("Mã người được giao.")),
            ),
            comment_required=True,
            holder=Holder.CLAIMED,
            overdue_only=frozenset({R.MANAGER}),
        ),
        Rule(
            "withdraw",
            _("Rút đề nghị"),
            {R.UNIT_HEAD: frozenset(OPEN_STATES)},
            comment_required=True,
            confirm=_("Rút đề nghị này? Đề nghị sẽ kết thúc và không thể trình lại."),
            tone="danger",
        ),
        Rule("edit", _("Sửa hồ sơ đề nghị"), dict(_UNIT), content=True),
        Rule("upload_document", _("Tải lên tài liệu hồ sơ"), dict(_UNIT), content=True),
        Rule(
            "remove_document",
            _("Gỡ tài liệu hồ sơ"),
            dict(_UNIT),
            confirm=_("Gỡ tài liệu này khỏi hồ sơ?"),
            content=True,
        ),
    ]
}

# History records that are not actions of this table, with their labels.
OTHER_HISTORY_ACTIONS = {
    "create": _("Lập dự thảo"),
    "document_download": _("Tải xuống tài liệu"),
    "role_grant": _("Cấp vai trò"),
    "role_revoke": _("Thu hồi vai trò"),
    "delegation_create": _("Ủy quyền khi vắng mặt"),
    "delegation_cancel": _("Hủy ủy quyền"),
    "resume": _("Tiếp tục xét khi vụ việc kết thúc"),
    "rule_set_change": _("Sửa bộ quy tắc xét khen thưởng"),
    "pending_case_close": _("Kết thúc vụ việc đang xem xét"),
    # The nominee register (approvals.register): a person, a membership or a record.
    "record_create": _("Thêm vào hồ sơ cá nhân, tập thể"),
    "record_update": _("Sửa hồ sơ cá nhân, tập thể"),
    "record_delete": _("Xóa khỏi hồ sơ cá nhân, tập thể"),
    # Điển hình tiên tiến (approvals.exemplars).
    "exemplar_propose": _("Đề xuất điển hình tiên tiến"),
    "exemplar_publish": _("Công bố điển hình tiên tiến"),
    "exemplar_decline": _("Không công bố điển hình tiên tiến"),
    # A proposal upward and the higher authority's outcome (approvals/decisions.py).
    "upward_propose": _("Trình cấp trên khen thưởng"),
    "upward_outcome": _("Ghi kết quả khen thưởng của cấp trên"),
    # The council's sessions (approvals.council); a ballot's record never says its choice.
    "council_session_open": _("Mở phiên bỏ phiếu của Hội đồng"),
    "council_attendance": _("Ghi danh sách thành viên dự họp"),
    "council_ballot_cast": _("Bỏ phiếu (kín)"),
    "council_paper_tally": _("Ghi kết quả kiểm phiếu giấy"),
    "council_quota_set": _("Đặt chỉ tiêu của phiên bỏ phiếu"),
    "council_tie_break": _("Chủ tịch Hội đồng quyết định trường hợp bằng phiếu"),
    "council_session_close": _("Kết thúc phiên bỏ phiếu"),
}

# The documents issued over many nominations (approvals/decisions.py) and who issues them:
# a decision runs each nomination's "approve", a report its "report" (their roles, so one
# table says who); a proposal upward and its outcome change no state.
DOCUMENT_ROLES: dict[str, frozenset[str]] = {
    "decision": POLICY["approve"].roles,
    "report_batch": POLICY["report"].roles,
    "upward_propose": frozenset({R.STANDING_REVIEWER}),
    "upward_outcome": frozenset({R.STANDING_REVIEWER}),
}
HISTORY_ACTIONS: dict[str, str | Promise] = {
    **{a: r.label for a, r in POLICY.items()},
    **OTHER_HISTORY_ACTIONS,
}

# The lifecycle actions: each has a service, a web form and an API endpoint.
LIFECYCLE_ACTIONS: tuple[str, ...] = tuple(
    a for a, r in POLICY.items() if not r.content and not r.session
)
BULK_ACTIONS: tuple[str, ...] = tuple(a for a, r in POLICY.items() if r.bulk)

# The statuses of an open viewflow task.
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# The viewflow human task that holds a nomination in each open state.
STATE_TASK: dict[str, str] = {
    S.DRAFT: "prepare",
    S.RETURNED: "prepare",
    S.SUBMITTED: "review",
    # A deferred proposal waits in the review's queue; no action takes it from there
    # (nobody may claim, recommend or approve it) until the case closes.
    S.DEFERRED: "review",
    S.IN_REVIEW: "review",
    S.COUNCIL_VOTE: "vote",
    S.AWAITING_DIRECTOR: "decide",
    S.APPROVED: "report",
}

# Roles whose queue holds each task.
TASK_ROLES: dict[str, frozenset[str]] = {
    "prepare": frozenset({R.UNIT_STAFF, R.UNIT_HEAD}),
    "review": frozenset({R.STANDING_REVIEWER}),
    "vote": frozenset({R.COUNCIL_SECRETARY}),
    "decide": frozenset({R.DIRECTOR}),
    "report": frozenset({R.LIAISON, R.STANDING_REVIEWER}),
}


def may_view(roles_here: set[str], *, submitted: bool) -> bool:
    """Anyone with a role covering the unit sees a nomination once it was submitted; until
    then (a draft, or a draft withdrawn before it was ever submitted) only its unit does."""
    if not submitted:
        return bool(roles_here & UNIT_ROLES)
    return bool(roles_here)


def allowed(action: str, roles_here: set[str], state: str, *, overdue: bool = False) -> bool:
    """Whether one of the roles may take `action` from `state`; `overdue`: the item is
    overdue in its stage (Rule.overdue_only)."""
    return bool(POLICY[action].roles_for(roles_here, state, overdue=overdue))


def task_allows(rule: Rule, *, state: str, task_id: int | None, owner_id: int | None,
                user_id: int, lent: Mapping[str, Collection[int]] | None = None) -> bool:
    """Whether the open task lets `user_id` take `rule`'s action now (Rule.holder).

    `lent`: role -> ids of the people who lent that role here to `user_id` today
    (a delegation): a task one of them holds counts as the user's for that role."""
    if rule.holder is Holder.NONE:
        return True
    if task_id is None:
        return False
    if rule.holder is Holder.QUEUED:
        return owner_id is None
    if rule.holder is Holder.CLAIMED:
        return owner_id is not None
    if owner_id == user_id or (owner_id is None and state in rule.claim_from):
        return True
    return owner_id is not None and any(
        owner_id in (lent or {}).get(role, ()) for role, states in rule.by_role.items()
        if state in states
    )


def offered_actions(roles_here: set[str], state: str, *, task_id: int | None,
                    owner_id: int | None, user_id: int,
                    lent: Mapping[str, Collection[int]] | None = None,
                    overdue: bool = False) -> list[str]:
    """The actions offered now, in the table's order; the services check the same.
    `overdue`: the item is overdue in its stage (escalation, Rule.overdue_only)."""
    return [
        action
        for action in POLICY
        if not POLICY[action].session
        and allowed(action, roles_here, state, overdue=overdue)
        and task_allows(
            POLICY[action], state=state, task_id=task_id, owner_id=owner_id, user_id=user_id,
            lent=lent,
        )
    ]


def task_states(role: str) -> frozenset[str]:
    """The open states whose task `role` works (a delegated role's held work)."""
    return frozenset(s for s, task in STATE_TASK.items() if role in TASK_ROLES[task])
