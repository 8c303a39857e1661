"""The Celery application: Redis broker, late acknowledgement, requeue on worker loss, a static beat schedule.

Tasks are thin wrappers over services and must be idempotent: with ``acks_late`` and ``reject_on_worker_lost`` a
task whose worker dies is delivered again. Deadlines are database rows swept by beat, never ETAs or countdowns.
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")

app = Celery("safeguarding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("pdf"))
app.autodiscover_tasks()
