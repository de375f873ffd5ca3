"""Test override: PostgreSQL and Redis on 127.0.0.1 unless told otherwise."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vinhdanh")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# The suite signs the history as production does (workflow/audit.py).
os.environ.setdefault("AUDIT_CHAIN_KEYS", "test-only-audit-chain-key")

from config.settings import *  # noqa: E402,F403

# Django's PostgreSQL backend, but its flush between transactional tests may empty the history.
DATABASES["default"]["ENGINE"] = "tests.postgresql_backend"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "test-artefacts" / "media"  # noqa: F405
AUDIT_CHECKPOINT_DIR = str(BASE_DIR / "test-artefacts" / "audit-checkpoints")  # noqa: F405
