"""The Celery application: broker, queues, reliability settings, beat schedule.

Reliability settings are the ones DESIGN.md makes non-optional: late acks and reject on a
lost worker (a worker killed mid-task leaves the message to be redelivered), prefetch 1, a
visibility timeout above the longest task (Celery docs, "Redis: visibility timeout"), JSON
only.  Three queues so poll, nlp and alerts scale on their own hosts.
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

from worker.settings import Settings

QUEUES = ("poll", "nlp", "alerts")


def make_app(settings: Settings | None = None) -> Celery:
    settings = settings or Settings.from_env()
    broker = settings.redis_url or os.environ.get("RASAD_REDIS_URL") or "redis://127.0.0.1:6379/0"
    app = Celery("rasad", broker=broker, include=["worker.tasks"])
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_serializer="json",
        task_ignore_result=True, result_backend=None,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": settings.visibility_timeout_seconds},
        broker_connection_retry_on_startup=True,
        # On a lost broker connection, cancel late-ack tasks so they are redelivered rather
        # than finishing unacknowledgeable (Celery 5.1+ opt-in, default in Celery 6).
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_queues=[Queue(q) for q in QUEUES], task_default_queue="poll",
        task_routes={
            "rasad.poll_due_feeds": {"queue": "poll"}, "rasad.poll_feed": {"queue": "poll"},
            "rasad.fetch_fulltext": {"queue": "poll"},
            "rasad.process_articles": {"queue": "nlp"},
            "rasad.raise_alerts": {"queue": "alerts"}, "rasad.send_webhook": {"queue": "alerts"},
        },
        beat_schedule={"poll-due-feeds": {"task": "rasad.poll_due_feeds",
                                          "schedule": settings.poll_tick_seconds}},
        worker_hijack_root_logger=False, worker_send_task_events=False,
        task_time_limit=settings.visibility_timeout_seconds - 60,
        task_soft_time_limit=settings.visibility_timeout_seconds - 120,
        timezone="UTC",
    )
    return app


app = make_app()
