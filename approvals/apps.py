from django.apps import AppConfig
from django.db.backends.signals import connection_created

from .search import register_sqlite_unaccent


class ApprovalsConfig(AppConfig):
    name = "approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        connection_created.connect(register_sqlite_unaccent, dispatch_uid="vd-sqlite-unaccent")
        # Register the Celery tasks in every process, web ones too: a nudge sent by task
        # name then finds its task, and runs it in place when there is no broker (the demo).
        from . import tasks  # noqa: F401
