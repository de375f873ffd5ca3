from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from . import tasks  # noqa: F401 - registers the Celery tasks (see approvals.apps)
        from .services import close_session_sockets

        def signed_out(sender, request, user, **kwargs):
            # Sent before the session is flushed: its key still names the sockets to close.
            close_session_sockets(getattr(request.session, "session_key", None))

        user_logged_out.connect(signed_out, dispatch_uid="notifications.signed_out", weak=False)
