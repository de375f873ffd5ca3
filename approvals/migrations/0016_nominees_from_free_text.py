"""Free-text nominees become persons of the register or collectives (units); each nomination
gets its campaign's year. (The constraints follow in the next migration: PostgreSQL does not
alter a table with the deferred checks of these updates pending.)"""

from django.db import migrations, models


def convert_nominees(apps, schema_editor):
    """Turn each free-text nominee into a register entry and copy the campaign's year.

    Individual awards: one Person per distinct name within the proposing unit, a member of
    that unit from the start of their first campaign (open-ended), its position the nominee's
    title; gender unknown (blank). When two live nominations of the same unit name the same
    text for the same award and year, the second gets a Person of its own (namesakes exist;
    the new one-award constraint would otherwise refuse them both).
    Collective awards: the unit of that name among the proposing unit and its children
    (accents and case kept, a leading "Tập thể" ignored), else the proposing unit itself:
    a collective is a unit, never a person, or no collective rule could read its members.
    Two live collective nominations that land on the same unit, award and year stop the
    migration with their ids: they are duplicates the new rule forbids, and which one to keep
    is a person's decision."""
    Nomination = apps.get_model("approvals", "Nomination")
    Person = apps.get_model("approvals", "Person")
    Membership = apps.get_model("approvals", "Membership")
    Unit = apps.get_model("approvals", "Unit")
    persons: dict = {}
    live: dict = {}
    for n in Nomination.objects.select_related("campaign", "award", "unit").order_by("id"):
        n.year = n.campaign.year
        is_live = n.state not in ("withdrawn", "rejected")
        if n.award.subject == "collective":
            n.nominee_unit = _collective(Unit, n)
            key = ("unit", n.nominee_unit.pk, n.award_id, n.year)
            if is_live and key in live:
                raise RuntimeError(
                    f"Nominations #{live[key]} and #{n.pk} both propose {n.nominee_unit.name} "
                    f"for award {n.award_id} in {n.year}: withdraw one, then migrate again."
                )
            n.nominee_name = n.nominee_unit.name
        else:
            name = " ".join(n.nominee_name.split())
            person = persons.get((n.unit_id, name))
            if person is None or (is_live and ("person", person.pk, n.award_id, n.year) in live):
                person = Person.objects.create(full_name=name, position=n.nominee_title)
                Membership.objects.create(person=person, unit=n.unit, starts_on=n.campaign.starts_on)
                persons[(n.unit_id, name)] = person
            else:
                Membership.objects.filter(person=person, starts_on__gt=n.campaign.starts_on).update(
                    starts_on=n.campaign.starts_on
                )
            n.nominee_person = person
            n.nominee_name = person.full_name
            key = ("person", person.pk, n.award_id, n.year)
        if is_live:
            live[key] = n.pk
        n.save(update_fields=["year", "nominee_person", "nominee_unit", "nominee_name"])


def _collective(Unit, nomination):
    text = " ".join(nomination.nominee_name.split())
    if text.lower().startswith("tập thể "):
        text = text[len("tập thể "):]
    candidates = Unit.objects.filter(pk=nomination.unit_id) | Unit.objects.filter(
        parent_id=nomination.unit_id
    )
    return candidates.filter(name__iexact=text).first() or nomination.unit


class Migration(migrations.Migration):

    dependencies = [
        ("approvals", "0015_nominee_register"),
    ]

    operations = [
        migrations.RunPython(convert_nominees, migrations.RunPython.noop),
    ]
