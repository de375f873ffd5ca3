"""Who may do what, from which state: the one policy table.

Every service, the web pages, the API and the permission-matrix test read
this table; nothing else decides who may act.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from approvals.roles import UNIT_ROLES, Role
from approvals.states import EDITABLE_STATES, OPEN_STATES, State


@dataclass(frozen=True)
class Rule:
    action: str
    label: str
    # role -> the states from which that role may take the action
    by_role: dict = field(default_factory=dict)
    # extra input the action needs (validated by the service)
    needs_comment: bool = False

    @property
    def roles(self) -> frozenset:
        return frozenset(self.by_role)

    def sources_for(self, roles) -> frozenset:
        return frozenset(s for r in roles for s in self.by_role.get(r, ()))


S = State
R = Role
_UNIT = {R.UNIT_STAFF: set(EDITABLE_STATES), R.UNIT_HEAD: set(EDITABLE_STATES)}

POLICY: dict[str, Rule] = {
    rule.action: rule
    for rule in [
        Rule("edit", _("Sửa hồ sơ đề nghị"), dict(_UNIT)),
        Rule("upload_document", _("Tải lên tài liệu hồ sơ"), dict(_UNIT)),
        Rule("remove_document", _("Gỡ tài liệu hồ sơ"), dict(_UNIT)),
        Rule("submit", _("Trình đề nghị"), {R.UNIT_HEAD: {S.DRAFT, S.RETURNED}}),
        Rule("withdraw", _("Rút đề nghị"), {R.UNIT_HEAD: set(OPEN_STATES)}, needs_comment=True),
        Rule(
            "claim",
            _("Nhận xử lý"),
            {
                R.STANDING_REVIEWER: {S.SUBMITTED, S.APPROVED},
                R.COUNCIL_SECRETARY: {S.COUNCIL_VOTE},
                R.DIRECTOR: {S.AWAITING_DIRECTOR},
                R.LIAISON: {S.APPROVED},
            },
        ),
        Rule(
            "release",
            _("Trả lại hàng chờ"),
            {
                R.STANDING_REVIEWER: {S.IN_REVIEW, S.APPROVED},
                R.COUNCIL_SECRETARY: {S.COUNCIL_VOTE},
                R.DIRECTOR: {S.AWAITING_DIRECTOR},
                R.LIAISON: {S.APPROVED},
            },
        ),
        Rule(
            "reassign",
            _("Giao lại cho người khác"),
            {
                R.ADMIN: {S.IN_REVIEW, S.COUNCIL_VOTE, S.AWAITING_DIRECTOR, S.APPROVED},
                R.MANAGER: {S.IN_REVIEW, S.COUNCIL_VOTE, S.AWAITING_DIRECTOR, S.APPROVED},
            },
        ),
        Rule(
            "return",
            _("Trả lại để bổ sung"),
            {R.STANDING_REVIEWER: {S.IN_REVIEW}, R.DIRECTOR: {S.AWAITING_DIRECTOR}},
            needs_comment=True,
        ),
        Rule("recommend", _("Đề xuất"), {R.STANDING_REVIEWER: {S.IN_REVIEW}}),
        Rule("record_vote", _("Ghi kết quả bỏ phiếu"), {R.COUNCIL_SECRETARY: {S.COUNCIL_VOTE}}),
        Rule("approve", _("Phê duyệt"), {R.DIRECTOR: {S.AWAITING_DIRECTOR}}),
        Rule(
            "reject",
            _("Không đề nghị / từ chối"),
            {R.STANDING_REVIEWER: {S.IN_REVIEW}, R.DIRECTOR: {S.AWAITING_DIRECTOR}},
            needs_comment=True,
        ),
        Rule(
            "report",
            _("Báo cáo Ban Thi đua tỉnh"),
            {R.LIAISON: {S.APPROVED}, R.STANDING_REVIEWER: {S.APPROVED}},
        ),
    ]
}

# The viewflow human task that holds a nomination in each open state.
STATE_TASK = {
    S.DRAFT: "prepare",
    S.RETURNED: "prepare",
    S.SUBMITTED: "review",
    S.IN_REVIEW: "review",
    S.COUNCIL_VOTE: "vote",
    S.AWAITING_DIRECTOR: "decide",
    S.APPROVED: "report",
}

# Roles whose queue holds each task.
TASK_ROLES = {
    "prepare": frozenset({R.UNIT_STAFF, R.UNIT_HEAD}),
    "review": frozenset({R.STANDING_REVIEWER}),
    "vote": frozenset({R.COUNCIL_SECRETARY}),
    "decide": frozenset({R.DIRECTOR}),
    "report": frozenset({R.LIAISON, R.STANDING_REVIEWER}),
}


def may_view(roles_here: set, state: str) -> bool:
    """Anyone with a role covering the unit sees a nomination; only the unit sees its drafts."""
    if state == S.DRAFT:
        return bool(roles_here & UNIT_ROLES)
    return bool(roles_here)


def allowed(action: str, roles_here: set, state: str) -> bool:
    rule = POLICY[action]
    return state in rule.sources_for(roles_here & rule.roles)
