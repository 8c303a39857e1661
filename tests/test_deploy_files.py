"""No Docker engine runs here, so the container files are checked by reading them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_defines_the_full_stack() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}


def test_web_migrates_on_start_and_serves_with_gunicorn() -> None:
    command = " ".join(_compose()["services"]["web"]["command"])
    assert "manage.py migrate" in command
    assert "gunicorn safeguarding.wsgi:application" in command
    assert command.index("migrate") < command.index("gunicorn")


def test_worker_and_beat_run_celery_with_both_queues_and_one_beat() -> None:
    services = _compose()["services"]
    worker = services["worker"]["command"]
    assert worker[:4] == ["celery", "-A", "safeguarding", "worker"]
    assert "default,pdf" in worker
    assert services["beat"]["command"][:4] == ["celery", "-A", "safeguarding", "beat"]
    assert "deploy" not in services["beat"] or services["beat"]["deploy"].get("replicas", 1) == 1


def test_app_services_share_the_environment_wiring() -> None:
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["DEBUG"] == "0"
        assert "SECRET_KEY" in env and "ALLOWED_HOSTS" in env
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_redis_keeps_its_queue_across_restarts_and_never_evicts() -> None:
    command = _compose()["services"]["redis"]["command"]
    assert "--appendonly" in command and "yes" in command
    assert "noeviction" in command


def test_dockerfile_installs_pango_fonts_and_the_built_assets() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.1[23]-slim-bookworm", text, re.M)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in text
    assert "npm run build" in text and "COPY --from=assets" in text
    assert "requirements.lock" in text
    assert "USER app" in text
    assert "collectstatic" in text
