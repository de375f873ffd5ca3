from django.apps import AppConfig
from django.db.backends.signals import connection_created

from .search import register_sqlite_unaccent


class ApprovalsConfig(AppConfig):
    name = "approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        connection_created.connect(register_sqlite_unaccent, dispatch_uid="vd-sqlite-unaccent")
