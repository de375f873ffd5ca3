import pytest

from monitoring.models import AlertRule


@pytest.fixture(autouse=True)
def no_default_rules(db):
    """Each test states the rules it scans with (the migration's defaults are set aside)."""
    AlertRule.objects.all().delete()
