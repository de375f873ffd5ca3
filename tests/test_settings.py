"""Settings are strict for servers and usable for commands."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import child_environ

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
    """Run Python in the project with no SECRET_KEY and no DEBUG unless given."""
    env = child_environ(drop=("SECRET_KEY", "DEBUG", "REDIS_URL"),
                        DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL="sqlite:///:memory:")
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_server_refuses_to_start_without_a_secret_key():
    result = run("-c", "import config.asgi")
    assert result.returncode != 0
    assert "SECRET_KEY is required unless DEBUG=1" in result.stderr


@pytest.mark.parametrize("env", [{"SECRET_KEY": "a-real-key"}, {"DEBUG": "1"}])
def test_a_server_starts_with_a_secret_key_or_in_debug(env):
    result = run("-c", "import config.asgi", **env)
    assert result.returncode == 0, result.stderr


def test_commands_that_sign_nothing_run_without_a_secret_key():
    result = run("manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
