"""Closing a pending case (vụ việc đang xem xét) and what follows: the proposals it deferred
move on to the standing review. The close is one durable transaction with its audit record;
the proposals move on after it commits, each in its own transition (workflow.services
nomination_resume), and the periodic sweep moves on any that a crash left waiting."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.audit import audit_append
from workflow.errors import InvalidInput, NotFound
from workflow.services import deferred_sweep

from .models import PendingCase


def pending_case_close(*, user: User, case_id: int, closed_on: datetime.date) -> PendingCase:
    """Record that the case ended on `closed_on`; its deferred proposals then move on."""
    with transaction.atomic(durable=True):
        case = PendingCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound()
        if case.closed_on is not None:
            raise InvalidInput(fields={"closed_on": [_("Vụ việc đã kết thúc trước đó.")]})
        if closed_on < case.opened_on or closed_on > timezone.localdate():
            raise InvalidInput(fields={"closed_on": [
                _("Ngày kết thúc phải từ ngày bắt đầu vụ việc đến hôm nay.")]})
        case.closed_on = closed_on
        case.save(update_fields=["closed_on"])
        audit_append(
            actor=user, action="pending_case_close",
            data={"model": "PendingCase", "id": case.pk, "person": case.person_id,
                  "changes": {"closed_on": [None, closed_on.isoformat()]}},
        )
        transaction.on_commit(lambda: deferred_sweep(user=user))
    return case
