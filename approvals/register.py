"""Changes of the nominee register and of the records the eligibility rules read.

Every change is one durable transaction with an audit record (`record_create`,
`record_update`, `record_delete`) whose data names the model, the row, the person (or
collective) and each changed field as [old, new]: an auditor sees who changed a rating,
when, and from what to what. Callers pass typed values (dates, Decimals, ids); the model's
own validation (choices, 0–12 months, one rating per person and year) answers in Vietnamese.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.audit import audit_append
from workflow.errors import InvalidInput, NotFound, PermissionRefused
from workflow.services import deferred_sweep

from .access import load_actor
from .models import (
    Discipline,
    Initiative,
    Membership,
    Nomination,
    PastAward,
    PendingCase,
    Person,
    ResearchProject,
    YearRating,
)
from .roles import Role

# The kinds of record, by the name callers (the admin, the import, the pages) use.
RECORD_MODELS: dict[str, type[models.Model]] = {
    "membership": Membership,
    "rating": YearRating,
    "initiative": Initiative,
    "research": ResearchProject,
    "discipline": Discipline,
    "pending_case": PendingCase,
    "past_award": PastAward,
}
# Who keeps the register: the standing reviewer (thường trực) and the administrator.
REGISTER_ROLES = (Role.STANDING_REVIEWER, Role.ADMIN)
PERSON_FIELDS = ("full_name", "gender", "position", "recruited_on")


def may_keep_register(user: User) -> bool:
    """The user holds a register role for the whole body (or is a superuser of the admin)."""
    if user.is_superuser:
        return True
    actor = load_actor(user)
    return bool(actor.roots & actor.units_for(*REGISTER_ROLES))


def _check_keeper(user: User) -> None:
    if not may_keep_register(user):
        raise PermissionRefused(
            _("Chỉ Thường trực Hội đồng Thi đua - Khen thưởng hoặc quản trị hệ thống được sửa "
              "hồ sơ cá nhân, tập thể.")
        )


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _editable(model: type[models.Model]) -> dict[str, models.Field]:
    """The fields a caller may set, by attname (`person_id`, `year`, ...)."""
    return {
        f.attname: f for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not getattr(f, "auto_now_add", False)
    }


def _state(obj: models.Model) -> dict[str, Any]:
    return {name: _json(getattr(obj, name)) for name in _editable(type(obj))}


def _validated(obj: models.Model) -> None:
    """The model's validation (fields, choices, validators, constraints) as InvalidInput,
    and for a membership: no two of one person in one unit overlap."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            fields={k: [str(m) for m in messages] for k, messages in exc.message_dict.items()}
        ) from exc
    if isinstance(obj, Membership) and _overlapping(obj).exists():
        raise InvalidInput(fields={"starts_on": [
            _("Đã có quá trình công tác tại đơn vị này trùng thời gian.")
        ]})


def _overlapping(membership: Membership) -> models.QuerySet[Membership]:
    others = Membership.objects.filter(
        models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=membership.starts_on),
        person_id=membership.person_id, unit_id=membership.unit_id,
    ).exclude(pk=membership.pk)
    if membership.ends_on is not None:
        others = others.filter(starts_on__lte=membership.ends_on)
    return others


def _owner(obj: models.Model) -> dict[str, Any]:
    """Whose record it is: the person, and the unit for a membership or a collective's award."""
    person_id = obj.pk if isinstance(obj, Person) else getattr(obj, "person_id", None)
    unit_id = getattr(obj, "unit_id", None)
    return {"person": person_id, **({"unit": unit_id} if unit_id else {})}


def _audit(*, user: User, verb: str, obj: models.Model, before: dict[str, Any],
           after: dict[str, Any]) -> None:
    changes = {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
    audit_append(
        nomination=None, actor=user, action=f"record_{verb}",
        data={"model": obj._meta.model_name, "id": obj.pk, **_owner(obj), "changes": changes},
    )


def _saved(obj: models.Model) -> None:
    """Save; a database constraint the validation could not see (a race) is bad input too."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise InvalidInput(_("Dữ liệu trùng hoặc mâu thuẫn với hồ sơ đã có.")) from exc


def _locked_person(person_id: Any) -> Person:
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise InvalidInput(fields={"person": [_("Không tìm thấy cá nhân.")]})
    return person


# --- persons and memberships --------------------------------------------------


def person_create(
    *, user: User, full_name: str, gender: str, position: str = "",
    recruited_on: datetime.date | None = None, unit_id: int | None = None,
    starts_on: datetime.date | None = None,
) -> Person:
    """Add a person to the register, with a first membership of `unit_id` from `starts_on`."""
    with transaction.atomic(durable=True):
        _check_keeper(user)
        person = Person(full_name=" ".join(full_name.split()), gender=gender,
                        position=position.strip(), recruited_on=recruited_on)
        if not gender:
            raise InvalidInput(fields={"gender": [_("Chọn giới tính.")]})
        _validated(person)
        _saved(person)
        _audit(user=user, verb="create", obj=person, before={}, after=_state(person))
        if unit_id is not None:
            _membership_add(user=user, person=person, unit_id=unit_id,
                            starts_on=starts_on or recruited_on or timezone.localdate(),
                            ends_on=None)
    return person


def person_update(*, user: User, person_id: int, **fields: Any) -> Person:
    """Change a person's particulars; their nominations' label follows a new name."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise InvalidInput(fields={k: [_("Trường không sửa được.")] for k in unknown})
    with transaction.atomic(durable=True):
        _check_keeper(user)
        person = Person.objects.select_for_update().filter(pk=person_id).first()
        if person is None:
            raise NotFound(_("Không tìm thấy cá nhân."))
        before = _state(person)
        for key, value in fields.items():
            setattr(person, key, " ".join(value.split()) if key == "full_name" else value)
        if "gender" in fields and not fields["gender"]:
            raise InvalidInput(fields={"gender": [_("Chọn giới tính.")]})
        _validated(person)
        _saved(person)
        if before["full_name"] != person.full_name:
            Nomination.objects.filter(nominee_person=person).update(nominee_name=person.full_name)
        _audit(user=user, verb="update", obj=person, before=before, after=_state(person))
    return person


def _membership_add(*, user: User, person: Person, unit_id: int, starts_on: datetime.date,
                    ends_on: datetime.date | None) -> Membership:
    membership = Membership(person=person, unit_id=unit_id, starts_on=starts_on, ends_on=ends_on)
    _validated(membership)
    _saved(membership)
    _audit(user=user, verb="create", obj=membership, before={}, after=_state(membership))
    return membership


def membership_create(
    *, user: User, person_id: int, unit_id: int, starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> Membership:
    """The person belongs to the unit from `starts_on` (to `ends_on`, or open)."""
    with transaction.atomic(durable=True):
        _check_keeper(user)
        person = _locked_person(person_id)
        return _membership_add(user=user, person=person, unit_id=unit_id,
                               starts_on=starts_on, ends_on=ends_on)


def membership_end(*, user: User, membership_id: int, ends_on: datetime.date) -> Membership:
    """Close a membership on `ends_on` (the last day the person belonged to the unit)."""
    with transaction.atomic(durable=True):
        _check_keeper(user)
        membership = Membership.objects.select_for_update().filter(pk=membership_id).first()
        if membership is None:
            raise NotFound(_("Không tìm thấy quá trình công tác."))
        before = _state(membership)
        membership.ends_on = ends_on
        _validated(membership)
        _saved(membership)
        _audit(user=user, verb="update", obj=membership, before=before, after=_state(membership))
    return membership


# --- records ----------------------------------------------------------------


def _model_of(kind: str) -> type[models.Model]:
    model = RECORD_MODELS.get(kind)
    if model is None:
        raise InvalidInput(fields={"kind": [_("Loại hồ sơ không tồn tại: %(k)s") % {"k": kind}]})
    return model


def record_save(
    *, user: User, kind: str, values: dict[str, Any], record_id: int | None = None
) -> models.Model:
    """Create (no `record_id`) or change one record of `kind` (a key of RECORD_MODELS).

    `values` are typed, keyed by field attname (`person_id`, `year`, `rating`, ...); a new
    record takes them all, a change only those given."""
    with transaction.atomic(durable=True):
        _check_keeper(user)
        return _record_saved(user=user, kind=kind, values=values, record_id=record_id)


def records_save(
    *, user: User, rows: Sequence[tuple[str, dict[str, Any], int | None]]
) -> list[models.Model]:
    """Save many records (kind, values, record id or None) in one transaction: all of them
    or, when one is refused, none; the refusal's fields are prefixed with the row's number
    (from 1): {"3.months_worked": [...]}. Each saved row is audited as by record_save."""
    saved = []
    with transaction.atomic(durable=True):
        _check_keeper(user)
        for number, (kind, values, record_id) in enumerate(rows, start=1):
            try:
                saved.append(_record_saved(user=user, kind=kind, values=values,
                                           record_id=record_id))
            except (InvalidInput, NotFound) as exc:
                fields = {f"{number}.{k}": v for k, v in exc.fields.items()}
                raise InvalidInput(
                    _("Dòng %(n)s: %(message)s") % {"n": number, "message": exc.message},
                    fields=fields or {f"{number}": [str(exc.message)]},
                ) from exc
    return saved


def _record_saved(
    *, user: User, kind: str, values: dict[str, Any], record_id: int | None
) -> models.Model:
    model = _model_of(kind)
    unknown = set(values) - set(_editable(model))
    if unknown:
        raise InvalidInput(fields={k: [_("Trường không sửa được.")] for k in sorted(unknown)})
    if record_id is None:
        obj, before = model(), {}
    else:
        found = model._default_manager.select_for_update().filter(pk=record_id).first()
        if found is None:
            raise NotFound(_("Không tìm thấy hồ sơ."))
        obj, before = found, _state(found)
    for key, value in values.items():
        setattr(obj, key, value)
    person_id = getattr(obj, "person_id", None)
    if person_id is not None:
        # One person's records change one at a time (their rating per year is unique).
        _locked_person(person_id)
    _validated(obj)
    _saved(obj)
    _audit(user=user, verb="create" if record_id is None else "update", obj=obj,
           before=before, after=_state(obj))
    if isinstance(obj, PendingCase) and obj.closed_on is not None:
        _after_case_closed(user)
    return obj


def _after_case_closed(user: User) -> None:
    """The proposals a pending case deferred move on to the review once it closes (or is
    removed), after this commits, each in its own transition; the sweep catches up on any
    a crash left waiting (approvals.tasks.deferred_sweep_run)."""
    transaction.on_commit(lambda: deferred_sweep(user=user))


def record_delete(*, user: User, kind: str, record_id: int) -> None:
    """Remove one record; the audit record keeps what it said."""
    model = _model_of(kind)
    with transaction.atomic(durable=True):
        _check_keeper(user)
        obj = model._default_manager.select_for_update().filter(pk=record_id).first()
        if obj is None:
            raise NotFound(_("Không tìm thấy hồ sơ."))
        before = _state(obj)
        obj.delete()
        if isinstance(obj, PendingCase):
            _after_case_closed(user)
        obj.pk = record_id
        changes = {k: [v, None] for k, v in before.items()}
        audit_append(
            nomination=None, actor=user, action="record_delete",
            data={"model": model._meta.model_name, "id": record_id, **_owner(obj),
                  "changes": changes},
        )
