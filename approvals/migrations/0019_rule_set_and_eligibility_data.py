from django.db import migrations


def load(apps, schema_editor):
    from approvals.catalogue import eligibility_of
    from approvals.rulesets import load_rule_sets

    load_rule_sets(apps.get_model("approvals", "RuleSet"))
    Award = apps.get_model("approvals", "Award")
    for award in Award.objects.all():
        award.eligibility = eligibility_of(award.code)
        award.save(update_fields=["eligibility"])


class Migration(migrations.Migration):
    dependencies = [("approvals", "0018_rule_sets_and_award_eligibility")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
