from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Register the Celery tasks in every process, web ones too: a nudge sent by task
        # name then finds its task, and runs it in place when there is no broker (the demo).
        from . import tasks  # noqa: F401
