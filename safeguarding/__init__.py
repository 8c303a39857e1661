"""The project package and core app: organisations, people, roles, the registries, audit and sharing engines."""

from .celery import app as celery_app

__all__ = ["celery_app"]
