"""smmdash: settings, the URL root, Celery, logs, and the helpers every app shares."""

from smmdash.celery import app as celery_app

__all__ = ("celery_app",)
