"""The Celery app of the workers and of beat: `celery -A config worker` / `celery -A config beat`.

Tasks are thin (approvals/tasks.py, notifications/tasks.py) and call services.
The job rows in PostgreSQL are the truth; a task message only nudges a worker
to look at one (docs/deploy.md, "Background work").
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("vinhdanh")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
