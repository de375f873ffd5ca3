"""State changes of the organisation and of a proposal's content.

Lifecycle transitions live in workflow.services; these create and edit the
proposal itself and keep role grants, Django groups and guardian object
permissions in step.
"""

from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from monitoring.visits import stage_visit_follow
from notifications.services import grants_changed_on_commit, notify_transition
from workflow.audit import audit_append, security_log
from workflow.errors import InvalidInput, NotFound, PermissionRefused
from workflow.flows import NominationFlow
from workflow.schemas import CONTROL_CHARACTERS, CONTROL_MESSAGE
from workflow.services import Step, Within, perform_transition

from .access import delegation_in_force, load_actor
from .models import Award, Campaign, Nomination, RoleGrant, Unit
from .roles import UNIT_ROLES, Role, permission_codename
from .states import State
from .tallies import tally_follow, task_follow

EDITABLE_FIELDS = ("nominee_name", "nominee_title", "achievements", "award_id", "campaign_id")


def body_root() -> Unit:
    root = Unit.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None:
        raise InvalidInput(_("Chưa có đơn vị gốc (cơ quan) nào."))
    return root


def _sync_role(user: User, role: str) -> None:
    """Make the group and guardian permissions of one role match the user's grants."""
    grants = list(RoleGrant.objects.filter(user=user, role=role).select_related("unit"))
    perm = f"approvals.{permission_codename(role)}"
    wanted = {g.unit_id for g in grants if g.unit_id} | (
        {body_root().pk} if any(g.unit_id is None for g in grants) else set()
    )
    held = set(
        get_objects_for_user(
            user,
            perm,
            klass=Unit,
            use_groups=False,
            with_superuser=False,
            accept_global_perms=False,
        ).values_list("pk", flat=True)
    )
    for unit in Unit.objects.filter(pk__in=wanted - held):
        assign_perm(perm, user, unit)
    for unit in Unit.objects.filter(pk__in=held - wanted):
        remove_perm(perm, user, unit)
    group, _created = Group.objects.get_or_create(name=role)
    if grants:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    if role == Role.ADMIN and user.is_staff != bool(grants):
        # The admin role opens the Django admin (organisation data); nothing else does.
        user.is_staff = bool(grants)
        user.save(update_fields=["is_staff"])


def role_grant(
    *, user: User, role: str, unit: Unit | None = None,
    granted_by: User | None = None,
) -> RoleGrant:
    """Grant `role` for `unit` (and its sub-units), or for the whole body when unit is None."""
    if role not in Role.values:
        raise InvalidInput(fields={"role": [_("Vai trò không tồn tại: %(r)s") % {"r": role}]})
    with transaction.atomic(durable=True):
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role, unit=unit)
        _sync_role(user, role)
        if created:
            audit_append(
                actor=granted_by,
                action="role_grant",
                data={"user": user.username, "role": role, "unit": unit.code if unit else None},
            )
            grants_changed_on_commit(user.pk)
    return grant


def role_revoke(
    *, user: User, role: str, unit: Unit | None = None,
    revoked_by: User | None = None,
) -> int:
    """Revoke one grant; returns how many grants were removed (0 if there was none)."""
    with transaction.atomic(durable=True):
        deleted, _details = RoleGrant.objects.filter(user=user, role=role, unit=unit).delete()
        _sync_role(user, role)
        if deleted:
            audit_append(
                actor=revoked_by,
                action="role_revoke",
                data={"user": user.username, "role": role, "unit": unit.code if unit else None},
            )
            grants_changed_on_commit(user.pk)
    return deleted


def _validated_content(*, fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if "nominee_name" in fields:
        name = (fields["nominee_name"] or "").strip()
        if not name or len(name) > 200:
            errors["nominee_name"] = [
                _("Nhập tên người / tập thể được đề nghị (tối đa 200 ký tự).")
            ]
        clean["nominee_name"] = name
    if "nominee_title" in fields:
        clean["nominee_title"] = (fields["nominee_title"] or "").strip()[:200]
    if "achievements" in fields:
        clean["achievements"] = (fields["achievements"] or "").strip()
    if "award_id" in fields:
        award = Award.objects.filter(pk=fields["award_id"]).first()
        if award is None:
            errors["award"] = [_("Chọn danh hiệu / hình thức khen thưởng.")]
        clean["award_id"] = award.pk if award else None
    if "campaign_id" in fields:
        campaign = Campaign.objects.filter(pk=fields["campaign_id"]).first()
        if campaign is None:
            errors["campaign"] = [_("Chọn đợt thi đua.")]
        clean["campaign_id"] = campaign.pk if campaign else None
    for key in ("nominee_name", "nominee_title", "achievements"):
        if key in clean and CONTROL_CHARACTERS.search(clean[key]):
            errors[key] = [str(CONTROL_MESSAGE)]
    if errors:
        raise InvalidInput(fields=errors)
    return clean


def nomination_create(
    *,
    user: User,
    unit_id: int,
    campaign_id: int,
    award_id: int,
    nominee_name: str,
    nominee_title: str = "",
    achievements: str = "",
    within: Within | None = None,
) -> Nomination:
    """Unit staff (or the head) draft a proposal for their unit; its viewflow process starts.

    `within(nomination)` runs inside the transaction (as in workflow.services)."""
    try:
        with transaction.atomic(durable=True):
            actor = load_actor(user)
            unit = Unit.objects.filter(pk=unit_id).first()
            if unit is None:
                raise InvalidInput(fields={"unit": [_("Chọn đơn vị đề nghị.")]})
            roles = actor.roles_at(unit.pk) & UNIT_ROLES
            if not roles:
                raise PermissionRefused(_("Bạn chỉ được lập đề nghị cho đơn vị của mình."))
            own = actor.granted_at(unit.pk) & UNIT_ROLES
            role = sorted(own or roles)[0]
            # Without a unit role of their own, the person drafts for whom lent it to them.
            lent = None if own else actor.delegation(role, unit.pk)
            principal = delegation_in_force(lent, for_update=True).delegator if lent else None
            clean = _validated_content(
                fields={
                    "nominee_name": nominee_name,
                    "nominee_title": nominee_title,
                    "achievements": achievements,
                    "award_id": award_id,
                    "campaign_id": campaign_id,
                }
            )
            nomination = Nomination.objects.create(
                unit=unit, created_by=user, clock_started_on=timezone.localdate(), **clean
            )
            process = NominationFlow.start.run(nomination=nomination)
            nomination.process = process
            task_follow(nomination, None)
            nomination.save(update_fields=["process", "task", "task_owner"])
            record = audit_append(
                nomination=nomination,
                actor=user,
                role=role,
                action="create",
                to_state=State.DRAFT,
                data={"nominee_name": nomination.nominee_name,
                      **({"delegation": lent.id} if lent else {})},
                on_behalf_of=principal,
            )
            stage_visit_follow(nomination=nomination, record=record)
            tally_follow(nomination=nomination, before=None, record=record)
            notify_transition(nomination=nomination, record=record)
            if within is not None:
                within(nomination)
    except PermissionRefused as exc:
        security_log(
            actor=user,
            action="create",
            nomination_id=None,
            outcome=exc.code,
            detail=str(exc.message),
        )
        raise
    return nomination


def nomination_update(
    *, user: User, nomination_id: int, **fields: str | int
) -> Nomination:
    """Edit the proposal's content while the unit still holds it (draft or returned)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(fields={k: [_("Trường không sửa được.")] for k in unknown})
    clean = _validated_content(fields=fields)

    def apply(step: Step) -> dict:
        changed = [k for k, v in clean.items() if getattr(step.nomination, k) != v]
        for key in changed:
            setattr(step.nomination, key, clean[key])
        return {"changed": sorted(changed)}

    return perform_transition(
        user=user, nomination_id=nomination_id, action="edit", inputs={}, apply=apply
    )


__all__ = [
    "NotFound",
    "body_root",
    "role_grant",
    "role_revoke",
    "nomination_create",
    "nomination_update",
]
