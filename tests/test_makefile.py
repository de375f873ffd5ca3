"""`make demo PORT=8100` serves the demo on that port (8000 unless told)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def planned(*args) -> str:
    """The commands `make demo` would run (make -n runs none of them)."""
    return subprocess.run(["make", "-n", "demo", *args], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_serves_on_the_port_it_is_given():
    commands = planned("PORT=8100")
    assert "manage.py runserver 127.0.0.1:8100" in commands
    assert "http://127.0.0.1:8100/" in commands
    assert "8000" not in commands


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_serves_on_8000_by_default():
    assert "manage.py runserver 127.0.0.1:8000" in planned()
