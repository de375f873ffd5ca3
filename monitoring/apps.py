from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - registers the Celery tasks (see approvals.apps)
        from .demo_timer import start_if_demo_server

        start_if_demo_server()
