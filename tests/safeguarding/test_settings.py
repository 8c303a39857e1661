from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-key-used-only-by-this-test-0123456789abcdef",
        ALLOWED_HOSTS="safeguarding.example.nhs.uk",
        DJANGO_SETTINGS_MODULE="safeguarding.settings",
        TESTING="0",
    )
    return env


def test_check_deploy_reports_nothing_in_production_mode() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key() -> None:
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers() -> None:
    from django.test import Client

    response = Client().get("/accounts/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "'nonce-"):
        assert directive in csp
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_database_url_must_be_postgresql() -> None:
    from safeguarding.settings import database_from_url

    assert database_from_url("postgres://u:p%40ss@db.internal:6543/sg?sslmode=require")["OPTIONS"] == {
        "sslmode": "require"
    }
    with pytest.raises(ValueError, match="PostgreSQL"):
        database_from_url("sqlite:///db.sqlite3")
