"""State changes of the organisation and of a proposal's content.

Lifecycle transitions live in workflow.services; these create and edit the
proposal itself and keep role grants, Django groups and guardian object
permissions in step.
"""

from typing import Any

from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from monitoring.visits import stage_visit_follow
from notifications.services import grants_changed_on_commit, notify_transition
from workflow.audit import audit_append, security_log
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from workflow.flows import NominationFlow
from workflow.schemas import CONTROL_CHARACTERS, CONTROL_MESSAGE
from workflow.services import Step, Within, perform_transition

from .access import delegation_in_force, load_actor
from .members import is_member_during
from .models import NOT_LIVE_STATES, Award, Campaign, Nomination, Person, RoleGrant, Unit
from .roles import UNIT_ROLES, Role, permission_codename
from .states import State
from .tallies import tally_follow, task_follow

EDITABLE_FIELDS = (
    "nominee_person_id", "nominee_unit_id", "nominee_title", "achievements", "award_id",
    "campaign_id",
)
# What an edit reports as changed (the audit record's "changed").
TRACKED_FIELDS = (*EDITABLE_FIELDS, "nominee_name", "year")
# The partial unique indexes of "one achievement, one award" (approvals.models.Nomination).
ONE_AWARD_CONSTRAINTS = (
    "uniq_live_nomination_per_person_award_year", "uniq_live_nomination_per_unit_award_year"
)


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
    for key in ("nominee_person_id", "nominee_unit_id"):
        if key in fields:
            clean[key] = fields[key] or None
    for key in ("nominee_title", "achievements"):
        if key in clean and CONTROL_CHARACTERS.search(clean[key]):
            errors[key] = [str(CONTROL_MESSAGE)]
    if errors:
        raise InvalidInput(fields=errors)
    return clean


def _nominee_checked(
    *, unit: Unit, campaign: Campaign, award: Award, person_id: int | None,
    collective_id: int | None,
) -> Person | Unit:
    """The nominee a nomination of `unit` names: a person who belonged to the unit during the
    campaign, or a collective that is the unit itself or one of its child units."""
    if (person_id is None) == (collective_id is None):
        raise InvalidInput(fields={"nominee_person": [
            _("Chọn một cá nhân hoặc một tập thể được đề nghị (chỉ một).")
        ]})
    if award.subject == Award.Subject.INDIVIDUAL:
        person = Person.objects.filter(pk=person_id).first() if person_id else None
        if person is None:
            raise InvalidInput(fields={"nominee_person": [
                _("“%(award)s” dành cho cá nhân: chọn người được đề nghị.")
                % {"award": award.name_vi}
            ]})
        if not is_member_during(person_id=person.pk, unit_id=unit.pk,
                                starts_on=campaign.starts_on, ends_on=campaign.ends_on):
            raise InvalidInput(fields={"nominee_person": [
                _("%(person)s không công tác tại %(unit)s trong thời gian của đợt thi đua "
                  "“%(campaign)s”: đơn vị chỉ đề nghị người của mình.")
                % {"person": person.full_name, "unit": unit.name, "campaign": campaign.name}
            ]})
        return person
    collective = Unit.objects.filter(pk=collective_id).first() if collective_id else None
    if collective is None:
        raise InvalidInput(fields={"nominee_unit": [
            _("“%(award)s” dành cho tập thể: chọn tập thể được đề nghị.")
            % {"award": award.name_vi}
        ]})
    if collective.pk != unit.pk and collective.parent_id != unit.pk:
        raise InvalidInput(fields={"nominee_unit": [
            _("%(collective)s không thuộc %(unit)s: đơn vị chỉ đề nghị chính mình hoặc đơn vị "
              "trực thuộc.") % {"collective": collective.name, "unit": unit.name}
        ]})
    return collective


def _name_nominee(nomination: Nomination, nominee: Person | Unit) -> None:
    """Point the nomination at its nominee; its label follows the register's name."""
    if isinstance(nominee, Person):
        nomination.nominee_person, nomination.nominee_unit = nominee, None
        nomination.nominee_name = nominee.full_name
    else:
        nomination.nominee_person, nomination.nominee_unit = None, nominee
        nomination.nominee_name = nominee.name


def _one_award_conflict(exc: IntegrityError, *, nominee: Person | Unit, award_id: int,
                        year: int) -> Conflict | None:
    """The refusal for a second live nomination of the nominee for the award and year,
    naming the first one, when `exc` is that constraint's violation (else None)."""
    cause = exc.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None) or ""
    # SQLite (the demo) names the columns of the index instead of the constraint.
    columns = "approvals_nomination.award_id, approvals_nomination.year"
    if name not in ONE_AWARD_CONSTRAINTS and columns not in str(exc):
        return None
    key = "nominee_person" if isinstance(nominee, Person) else "nominee_unit"
    first = (
        Nomination.objects.filter(**{key: nominee}, award_id=award_id, year=year)
        .exclude(state__in=NOT_LIVE_STATES).select_related("award", "unit").first()
    )
    label = nominee.full_name if isinstance(nominee, Person) else nominee.name
    if first is None:  # the first one was withdrawn meanwhile: trying again may succeed
        message = _("%(nominee)s vừa được đề nghị cùng danh hiệu trong năm %(year)s; vui lòng "
                    "tải lại và thử lại.") % {"nominee": label, "year": year}
    else:
        message = _(
            "%(nominee)s đã có đề nghị #%(id)s (%(award)s, năm %(year)s, %(unit)s, %(state)s): "
            "một thành tích chỉ được đề nghị một hình thức khen thưởng, mỗi danh hiệu một lần "
            "trong năm."
        ) % {"nominee": label, "id": first.pk, "award": first.award.name_vi, "year": year,
             "unit": first.unit.name, "state": State(first.state).label}
    return Conflict(message, fields={key: [message]})


def nomination_create(
    *,
    user: User,
    unit_id: int,
    campaign_id: int,
    award_id: int,
    nominee_person_id: int | None = None,
    nominee_unit_id: int | None = None,
    nominee_title: str = "",
    achievements: str = "",
    within: Within | None = None,
) -> Nomination:
    """Unit staff (or the head) draft a proposal for their unit; its viewflow process starts.

    The nominee is a person of the unit (`nominee_person_id`) or a collective, the unit or a
    child unit (`nominee_unit_id`). `within(nomination)` runs inside the transaction (as in
    workflow.services)."""
    nominee: Person | Unit | None = None
    year = 0
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
                    "nominee_title": nominee_title,
                    "achievements": achievements,
                    "award_id": award_id,
                    "campaign_id": campaign_id,
                }
            )
            campaign = Campaign.objects.get(pk=clean["campaign_id"])
            award = Award.objects.get(pk=clean["award_id"])
            nominee = _nominee_checked(
                unit=unit, campaign=campaign, award=award, person_id=nominee_person_id or None,
                collective_id=nominee_unit_id or None,
            )
            year = campaign.year
            nomination = Nomination(
                unit=unit, created_by=user, clock_started_on=timezone.localdate(),
                year=year, **clean,
            )
            _name_nominee(nomination, nominee)
            if not nomination.nominee_title and isinstance(nominee, Person):
                nomination.nominee_title = nominee.position
            nomination.save()
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
                      "nominee_person": nomination.nominee_person_id,
                      "nominee_unit": nomination.nominee_unit_id,
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
    except IntegrityError as exc:
        conflict = nominee and _one_award_conflict(
            exc, nominee=nominee, award_id=award_id, year=year
        )
        if not conflict:
            raise
        raise conflict from exc
    return nomination


def nomination_update(
    *, user: User, nomination_id: int, within: Within | None = None,
    **fields: str | int | None,
) -> Nomination:
    """Edit the proposal's content while the unit still holds it (draft or returned);
    `within(nomination)` runs inside the transaction.

    Changing the nominee, the award or the campaign checks the nominee again (a person of
    the unit during the campaign, or the unit or a child unit) and the one-award rule."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(fields={k: [_("Trường không sửa được.")] for k in unknown})
    clean = _validated_content(fields=fields)
    named: dict[str, Any] = {}

    def apply(step: Step) -> dict:
        nomination = step.nomination
        before = {k: getattr(nomination, k) for k in TRACKED_FIELDS}
        picked = "nominee_person_id" in clean or "nominee_unit_id" in clean
        person_id = clean.get("nominee_person_id") if picked else nomination.nominee_person_id
        collective_id = clean.get("nominee_unit_id") if picked else nomination.nominee_unit_id
        for key in ("nominee_title", "achievements", "award_id", "campaign_id"):
            if key in clean:
                setattr(nomination, key, clean[key])
        campaign = Campaign.objects.get(pk=nomination.campaign_id)
        award = Award.objects.get(pk=nomination.award_id)
        nominee = _nominee_checked(unit=nomination.unit, campaign=campaign, award=award,
                                   person_id=person_id, collective_id=collective_id)
        _name_nominee(nomination, nominee)
        nomination.year = campaign.year
        named.update(nominee=nominee, award_id=award.pk, year=campaign.year)
        return {"changed": sorted(k for k in TRACKED_FIELDS if getattr(nomination, k) != before[k])}

    try:
        return perform_transition(
            user=user, nomination_id=nomination_id, action="edit", inputs={}, apply=apply,
            within=within,
        )
    except IntegrityError as exc:
        conflict = named and _one_award_conflict(exc, **named)
        if not conflict:
            raise
        raise conflict from exc


__all__ = [
    "NotFound",
    "body_root",
    "role_grant",
    "role_revoke",
    "nomination_create",
    "nomination_update",
]
