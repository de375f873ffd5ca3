"""Every nomination has a year and names exactly one nominee; one live nomination per
nominee, award and year (one achievement, one award: Law Art. 5; 152/2025 Art. 4)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("approvals", "0016_nominees_from_free_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="nomination",
            name="year",
            field=models.PositiveIntegerField(verbose_name="năm"),
        ),
        migrations.AddConstraint(
            model_name="nomination",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("nominee_person__isnull", False), ("nominee_unit__isnull", True)),
                    models.Q(("nominee_person__isnull", True), ("nominee_unit__isnull", False)),
                    _connector="OR",
                ),
                name="nomination_names_one_nominee",
            ),
        ),
        migrations.AddConstraint(
            model_name="nomination",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ["withdrawn", "rejected"]), _negated=True),
                fields=("nominee_person", "award", "year"),
                name="uniq_live_nomination_per_person_award_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="nomination",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ["withdrawn", "rejected"]), _negated=True),
                fields=("nominee_unit", "award", "year"),
                name="uniq_live_nomination_per_unit_award_year",
            ),
        ),
    ]
