import pytest
from django.core.management import CommandError, call_command
from guardian.shortcuts import get_perms

from approvals.access import get_nomination_for_actor, load_actor
from approvals.models import RoleGrant
from approvals.services import nomination_create, role_revoke
from approvals.states import State
from tests.factories import member
from workflow.errors import NotFound, PermissionRefused
from workflow.models import AuditRecord


def test_grant_role_command_gives_group_guardian_permission_and_scope(org, people):
    call_command("grant_role", "outsider_staff", "unit_staff", "--unit", "don-vi-a")
    user = people["outsider_staff"]
    assert "role_unit_staff" in get_perms(user, org["a"])
    assert user.groups.filter(name="unit_staff").exists()
    assert org["a"].pk in load_actor(user).units_for("unit_staff")
    assert AuditRecord.objects.filter(action="role_grant").exists()


def test_a_body_wide_grant_covers_every_unit(org, people):
    actor = load_actor(people["director"])
    assert {org["body"].pk, org["a"].pk, org["b"].pk} <= actor.units_for("director")


def test_a_unit_grant_does_not_reach_a_sibling_unit(org, people):
    actor = load_actor(people["staff"])
    assert org["a"].pk in actor.units_for("unit_staff")
    assert org["b"].pk not in actor.units_for("unit_staff")


def test_revoke_role_command_removes_the_scope_and_the_group(org, people):
    call_command("revoke_role", "staff", "unit_staff", "--unit", "don-vi-a")
    user = people["staff"]
    assert not RoleGrant.objects.filter(user=user).exists()
    assert get_perms(user, org["a"]) == []
    assert not user.groups.filter(name="unit_staff").exists()
    with pytest.raises(PermissionRefused):
        nomination_create(user=user, unit_id=org["a"].pk, campaign_id=org["campaign"].pk,
                          award_id=1, nominee_person_id=member(org["a"]).pk)


def test_revoking_one_of_two_grants_keeps_the_other(org, people):
    call_command("grant_role", "staff", "unit_staff", "--unit", "don-vi-b")
    role_revoke(user=people["staff"], role="unit_staff", unit=org["a"])
    actor = load_actor(people["staff"])
    assert actor.units_for("unit_staff") == {org["b"].pk}


def test_grant_role_command_refuses_unknown_users_and_units(people):
    with pytest.raises(CommandError, match="no user"):
        call_command("grant_role", "nobody", "director")
    with pytest.raises(CommandError, match="no unit"):
        call_command("grant_role", "staff", "director", "--unit", "nowhere")


def test_staff_of_another_unit_cannot_even_see_a_draft(org, people, draft):
    with pytest.raises(NotFound):
        get_nomination_for_actor(load_actor(people["outsider_staff"]), draft.pk)
    with pytest.raises(NotFound):
        get_nomination_for_actor(load_actor(people["director"]), draft.pk)
    assert get_nomination_for_actor(load_actor(people["staff"]), draft.pk) == draft


def test_a_missing_nomination_and_a_hidden_one_look_the_same(people, draft):
    outsider = load_actor(people["outsider_staff"])
    with pytest.raises(NotFound) as hidden:
        get_nomination_for_actor(outsider, draft.pk)
    with pytest.raises(NotFound) as missing:
        get_nomination_for_actor(outsider, draft.pk + 1000)
    assert str(hidden.value) == str(missing.value)


def test_once_submitted_the_body_roles_see_it_but_other_units_still_do_not(people, nomination_in):
    n = nomination_in(State.SUBMITTED)
    assert get_nomination_for_actor(load_actor(people["auditor"]), n.pk) == n
    with pytest.raises(NotFound):
        get_nomination_for_actor(load_actor(people["outsider_head"]), n.pk)


def test_unit_staff_may_only_draft_for_their_own_unit(org, people):
    with pytest.raises(PermissionRefused):
        nomination_create(user=people["outsider_staff"], unit_id=org["a"].pk,
                          campaign_id=org["campaign"].pk, award_id=1,
                          nominee_person_id=member(org["a"]).pk)
    with pytest.raises(PermissionRefused):
        nomination_create(user=people["reviewer"], unit_id=org["a"].pk,
                          campaign_id=org["campaign"].pk, award_id=1,
                          nominee_person_id=member(org["a"]).pk)


def test_the_admin_role_opens_the_django_admin_and_revoking_it_closes_it(org, people):
    admin = people["admin"]
    admin.refresh_from_db()
    assert admin.is_staff
    role_revoke(user=admin, role="admin")
    admin.refresh_from_db()
    assert not admin.is_staff


def test_only_whole_body_auditors_managers_and_admins_read_the_global_history(org, people):
    from approvals.access import may_read_global_history
    from approvals.services import role_grant

    readers = {n for n, u in people.items() if may_read_global_history(load_actor(u))}
    assert readers == {"auditor", "manager", "admin"}
    role_grant(user=people["staff"], role="auditor", unit=org["a"])
    assert not may_read_global_history(load_actor(people["staff"]))
