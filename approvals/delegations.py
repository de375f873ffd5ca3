"""Ủy quyền khi vắng mặt: lending a role to a substitute for a range of days, and ending it.

Both changes are one durable transaction each, under a row lock, audited in the
hash-chained history; the substitute's open websockets re-read their grants after
commit. What a delegation lends, and to whom, is read by approvals.access.load_actors.
"""

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import grants_changed_on_commit
from workflow.audit import audit_append, security_log
from workflow.errors import Conflict, InvalidInput, PermissionRefused
from workflow.schemas import CONTROL_CHARACTERS, CONTROL_MESSAGE

from .access import get_delegation_for_user, load_actor
from .models import Delegation, Unit
from .names import full_name
from .roles import DELEGABLE_ROLES, Role
from .services import body_root

# A longer absence is a change of who holds the role: a grant, not a delegation.
MAX_DAYS = 366


def delegation_create(
    *,
    user: User,
    substitute_id: int,
    role: str,
    unit_id: int | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
    within: Callable[[Delegation], None] | None = None,
) -> Delegation:
    """`user` lends `role`, which they hold for `unit_id` (None: the whole body), to
    `substitute_id` from `starts_on` to `ends_on` (both inclusive); `within(delegation)`
    runs inside the transaction."""
    _check_dates(starts_on, ends_on)
    if CONTROL_CHARACTERS.search(note):
        raise InvalidInput(fields={"note": [str(CONTROL_MESSAGE)]})
    try:
        with transaction.atomic(durable=True):
            # One person's delegations are written one at a time (the overlap check below).
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            substitute = _substitute(user, substitute_id)
            unit = _unit(unit_id)
            _check_held(user, role, unit)
            _check_no_overlap(user, role, unit, starts_on, ends_on)
            delegation = Delegation.objects.create(
                delegator=user, substitute=substitute, role=role, unit=unit,
                starts_on=starts_on, ends_on=ends_on, note=note.strip()[:500],
            )
            _audit(user, "delegation_create", delegation)
            grants_changed_on_commit(substitute.pk)
            if within is not None:
                within(delegation)
    except PermissionRefused as exc:
        security_log(actor=user, action="delegation_create", nomination_id=None,
                     outcome=exc.code, detail=str(exc.message))
        raise
    return delegation


def delegation_cancel(
    *, user: User, delegation_id: int, within: Callable[[Delegation], None] | None = None
) -> Delegation:
    """End a delegation before its last day: its lender (or an administrator) only;
    `within(delegation)` runs inside the transaction."""
    with transaction.atomic(durable=True):
        delegation = get_delegation_for_user(user, delegation_id, for_update=True)
        if delegation.cancelled_at is not None:
            raise Conflict(_("Ủy quyền này đã được hủy."))
        if delegation.ends_on < timezone.localdate():
            raise Conflict(_("Ủy quyền này đã hết hạn; không cần hủy."))
        delegation.cancelled_at = timezone.now()
        delegation.cancelled_by = user
        delegation.save(update_fields=["cancelled_at", "cancelled_by"])
        _audit(user, "delegation_cancel", delegation)
        grants_changed_on_commit(delegation.substitute_id)
        if within is not None:
            within(delegation)
    return delegation


def _check_dates(starts_on: datetime.date, ends_on: datetime.date) -> None:
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = [_("“Đến ngày” phải sau hoặc bằng “Từ ngày”.")]
    elif ends_on < timezone.localdate():
        errors["ends_on"] = [_("Không ủy quyền cho những ngày đã qua.")]
    elif (ends_on - starts_on).days + 1 > MAX_DAYS:
        errors["ends_on"] = [
            _("Ủy quyền dài tối đa %(n)d ngày; lâu hơn thì cần phân lại vai trò.") % {"n": MAX_DAYS}
        ]
    if errors:
        raise InvalidInput(fields=errors)


def _substitute(user: User, substitute_id: int) -> User:
    if substitute_id == user.pk:
        raise InvalidInput(fields={"substitute": [_("Không thể ủy quyền cho chính mình.")]})
    substitute = get_user_model().objects.filter(pk=substitute_id, is_active=True).first()
    if substitute is None:
        raise InvalidInput(fields={"substitute": [_("Chọn người được ủy quyền.")]})
    return substitute


def _unit(unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput(fields={"unit": [_("Chọn đơn vị.")]})
    return unit


def _check_held(user: User, role: str, unit: Unit | None) -> None:
    """Only a role the person holds in their own right (not one lent to them), and only
    within the units it covers; never the administrator's."""
    if role not in Role.values:
        raise InvalidInput(fields={"role": [_("Vai trò không tồn tại: %(r)s") % {"r": role}]})
    if role not in DELEGABLE_ROLES:
        raise PermissionRefused(_("Không ủy quyền vai trò “%(role)s”.")
                                % {"role": Role(role).label})
    covered = load_actor(user).granted.get(role, frozenset())
    target = unit.pk if unit is not None else body_root().pk
    if target not in covered:
        where = unit.name if unit is not None else _("toàn cơ quan")
        raise PermissionRefused(
            _("Bạn không giữ vai trò “%(role)s” cho %(where)s nên không thể ủy quyền vai trò này.")
            % {"role": Role(role).label, "where": where}
        )


def _check_no_overlap(
    user: User, role: str, unit: Unit | None, starts_on: datetime.date, ends_on: datetime.date
) -> None:
    clash = (
        Delegation.objects.filter(
            delegator=user, role=role, unit=unit, cancelled_at__isnull=True,
            starts_on__lte=ends_on, ends_on__gte=starts_on,
        )
        .select_related("substitute")
        .first()
    )
    if clash is not None:
        raise InvalidInput(
            fields={"starts_on": [
                _("Bạn đã ủy quyền vai trò này cho %(name)s từ %(start)s đến %(end)s; "
                  "hãy hủy ủy quyền đó trước hoặc chọn ngày khác.")
                % {"name": full_name(clash.substitute),
                   "start": clash.starts_on.strftime("%d/%m/%Y"),
                   "end": clash.ends_on.strftime("%d/%m/%Y")}
            ]}
        )


def _audit(user: User, action: str, delegation: Delegation) -> None:
    """The history names who got the role (as for a grant), where, for which days."""
    audit_append(
        actor=user,
        action=action,
        comment=delegation.note,
        data={
            "delegation": delegation.pk,
            "delegator": delegation.delegator.username,
            "user": delegation.substitute.username,
            "role": delegation.role,
            "unit": delegation.unit.code if delegation.unit else None,
            "starts_on": delegation.starts_on.isoformat(),
            "ends_on": delegation.ends_on.isoformat(),
        },
    )

