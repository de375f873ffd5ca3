"""Issue 12's parts were built side by side: the council's vote sessions (0022), the
Director's decisions (0023) and the exemplars with revocation (0024) meet here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0022_h12vote_council"),
        ("approvals", "0023_h12decide_decisions"),
        ("approvals", "0024_h12public_exemplars"),
    ]

    operations = []
