"""`make demo`: the manager signs in to a dashboard with charts and at least one open alert;
the demo's timer scan starts only in the demo's own server process."""

import importlib

import pytest
from django.http import HttpRequest
from django.test import Client

from approvals.demo import DEMO_PASSWORD, seed_demo
from approvals.models import Decision, ReportBatch
from approvals.states import State
from monitoring.demo_timer import is_demo_server
from monitoring.models import Alert, AlertRule

DEFAULTS = importlib.import_module(
    "monitoring.migrations.0002_backfill_and_default_rules").DEFAULT_RULES


@pytest.fixture
def default_rules(db):
    for kind, threshold in DEFAULTS:  # what migration 0002 starts an installation with
        AlertRule.objects.create(kind=kind, threshold=threshold)


def test_the_demo_manager_sees_charts_and_an_open_alert(default_rules):
    seed_demo()
    assert Alert.objects.filter(cleared_at__isnull=True, acknowledged_at__isnull=True).exists()
    client = Client()
    assert client.login(request=HttpRequest(), username="quanly", password=DEMO_PASSWORD)
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0] == "/dashboard/"
    html = page.content.decode()
    assert html.count('<svg class="chart"') >= 5
    alerts = client.get("/alerts/").content.decode()
    assert "bị trả lại" in alerts  # Regional Office 1: 1 of 2 dossiers returned


@pytest.mark.parametrize(("debug", "eager", "argv", "environ", "expected"), [
    (True, True, ["manage.py", "runserver", "127.0.0.1:8000"], {"RUN_MAIN": "true"}, True),
    (True, True, ["manage.py", "runserver", "--noreload"], {}, True),
    # runserver's autoreloader parent process: its child serves (and scans)
    (True, True, ["manage.py", "runserver"], {}, False),
    (False, True, ["manage.py", "runserver"], {"RUN_MAIN": "true"}, False),  # not DEBUG
    (True, False, ["manage.py", "runserver"], {"RUN_MAIN": "true"}, False),  # a broker
    (True, True, ["uvicorn", "config.asgi:application"], {"RUN_MAIN": "true"}, False),
    (True, True, ["celery", "-A", "config", "worker"], {}, False),
    (True, True, ["manage.py", "migrate"], {"RUN_MAIN": "true"}, False),
])
def test_the_timer_runs_only_in_the_demo_server(debug, eager, argv, environ, expected):
    assert is_demo_server(debug=debug, eager=eager, argv=argv, environ=environ) is expected


def test_the_demo_year_has_a_decision_a_report_and_an_exemplar_on_the_public_page(
    default_rules,
):
    seed_demo()
    decision = Decision.objects.get()
    lines = list(decision.lines.order_by("position"))
    assert [line.nominee_name for line in lines] == ["Mai Anh Thư", "Kiều Văn Phúc"]
    assert all(line.amount > 0 and line.amount % 10_000 == 0 for line in lines)
    reported = ReportBatch.objects.get().lines.get().nomination
    assert (reported.nominee_name, reported.state) == ("Kiều Văn Phúc", State.REPORTED)
    public = Client().get("/dien-hinh/")  # nobody signed in
    assert public.status_code == 200
    assert "Mai Anh Thư" in public.content.decode()
    assert "Kiều Văn Phúc" not in public.content.decode()
