"""The role map is kept while nothing in it changed and read again the moment something did:
a grant or its revocation, a delegation or its cancelling, a unit moved, a user switched
off, even when written around the services (a bulk UPDATE, raw SQL) or rolled back."""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.access import load_actor
from approvals.delegations import delegation_cancel
from approvals.models import Delegation, RoleMapVersion, Unit
from approvals.role_map import role_map
from approvals.roles import Role
from approvals.services import role_grant, role_revoke
from notifications.services import role_holders
from tests.factories import delegate, person


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx.captured_queries)


def test_an_unchanged_map_costs_one_query_and_a_change_reads_it_again(org, people):
    role_map()
    kept, n = _queries(role_map)
    assert n == 1 and kept is role_map()
    role_grant(user=person("moi"), role=Role.AUDITOR, unit=org["a"])
    fresh, n = _queries(role_map)
    assert n == 4 and fresh is not kept


def test_a_grant_and_its_revocation_are_seen_at_once(org, people):
    user = person("kiem-tra")
    assert load_actor(user).scopes == {}
    role_grant(user=user, role=Role.AUDITOR, unit=org["a"])
    assert load_actor(user).scopes == {Role.AUDITOR: frozenset({org["a"].pk})}
    role_revoke(user=user, role=Role.AUDITOR, unit=org["a"])
    assert load_actor(user).scopes == {}


def test_a_delegation_and_its_cancelling_are_seen_at_once(org, people):
    lender, substitute = people["reviewer"], person("thay-the")
    given = delegate(lender, substitute, Role.STANDING_REVIEWER, unit=org["a"])
    assert load_actor(substitute).scopes == {Role.STANDING_REVIEWER: frozenset({org["a"].pk})}
    assert substitute.pk in role_holders(org["a"].pk, [Role.STANDING_REVIEWER])[
        Role.STANDING_REVIEWER]
    delegation_cancel(user=lender, delegation_id=given.pk)
    assert load_actor(substitute).scopes == {}
    assert substitute.pk not in role_holders(org["a"].pk, [Role.STANDING_REVIEWER])[
        Role.STANDING_REVIEWER]


def test_a_bulk_update_around_the_services_changes_the_token_too(org, people):
    lender, substitute = people["reviewer"], person("thay-hang-loat")
    delegate(lender, substitute, Role.STANDING_REVIEWER)
    assert load_actor(substitute).scopes
    Delegation.objects.update(cancelled_at=timezone.now())  # no signal, no service
    assert load_actor(substitute).scopes == {}


def test_a_unit_moved_under_another_moves_what_its_holders_cover(org, people):
    head_of_b = person("truong-b", (Role.UNIT_HEAD, org["b"]))
    assert org["a"].pk not in load_actor(head_of_b).scopes[Role.UNIT_HEAD]
    with connection.cursor() as cursor:  # raw SQL: the trigger sees it all the same
        cursor.execute(f"UPDATE {Unit._meta.db_table} SET parent_id = %s WHERE id = %s",
                       [org["b"].pk, org["a"].pk])
    assert org["a"].pk in load_actor(head_of_b).scopes[Role.UNIT_HEAD]


def test_a_user_switched_off_is_no_longer_told_and_a_login_changes_nothing(org, people):
    reviewer = people["reviewer"]
    assert reviewer.pk in role_holders(org["a"].pk, [Role.STANDING_REVIEWER])[
        Role.STANDING_REVIEWER]
    token = RoleMapVersion.objects.get().token
    get_user_model().objects.filter(pk=reviewer.pk).update(last_login=timezone.now())
    assert RoleMapVersion.objects.get().token == token  # a sign-in is not a role change
    get_user_model().objects.filter(pk=reviewer.pk).update(is_active=False)
    assert RoleMapVersion.objects.get().token != token
    assert reviewer.pk not in role_holders(org["a"].pk, [Role.STANDING_REVIEWER]).get(
        Role.STANDING_REVIEWER, set())


def test_a_change_rolled_back_leaves_the_map_as_it_was(org, people):
    user = person("tam-thoi")
    before = role_map()
    try:
        with transaction.atomic():
            role_grant(user=user, role=Role.AUDITOR, unit=org["a"])
            assert load_actor(user).scopes  # seen inside its own transaction
            raise RuntimeError
    except RuntimeError:
        pass
    assert load_actor(user).scopes == {}
    assert RoleMapVersion.objects.get().token == before.token


def test_a_delegation_counts_only_on_its_days(org, people):
    substitute = person("ngay-mai")
    delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER, days=(1, 2))
    today = timezone.localdate()
    assert load_actor(substitute, today=today).scopes == {}
    tomorrow = load_actor(substitute, today=today + datetime.timedelta(days=1))
    assert Role.STANDING_REVIEWER in tomorrow.scopes
