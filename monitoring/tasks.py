"""Celery tasks of the monitoring app: thin, each calls a service (beat starts both)."""

from celery import shared_task

from .alerts import alerts_digest_send, alerts_scan
from .snapshots import dashboard_snapshots_refresh


@shared_task(name="monitoring.alerts_scan")
def scan() -> tuple[int, int]:
    """Periodic (beat, every ALERT_SCAN_SECONDS): raise and clear alerts."""
    report = alerts_scan()
    return len(report.raised), len(report.cleared)


@shared_task(name="monitoring.alerts_digest")
def digest() -> tuple[int, int]:
    """Daily (beat, ALERT_DIGEST_HOUR): mail each manager the open alerts of their units."""
    return alerts_digest_send()


@shared_task(name="monitoring.dashboard_refresh")
def dashboard_refresh() -> int:
    """Periodic (beat, every DASHBOARD_REFRESH_SECONDS): the whole-body dashboard ahead."""
    return dashboard_snapshots_refresh()
