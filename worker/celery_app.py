"""The Celery application: broker, queues, reliability settings, beat schedule.

Reliability settings are the ones DESIGN.md makes non-optional: late acks and reject on a
lost worker (a worker killed mid-task leaves the message to be redelivered), prefetch 1, a
visibility timeout above the longest task (Celery docs, "Redis: visibility timeout"), JSON
only.  Four queues so poll, nlp, alerts and webhooks scale on their own hosts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os

from celery import Celery, signals
from kombu import Queue

from worker.settings import Settings, effective_redis_url

CORE_QUEUES = ("poll", "nlp", "alerts")
# Webhook deliveries and their retries have a queue of their own, served by its own worker
# (a thread pool: `rasad run`, deploy/), so a receiver that hangs never holds a process that
# polling or NLP needs (issue 11).
WEBHOOK_QUEUE = "webhooks"
QUEUES = (*CORE_QUEUES, WEBHOOK_QUEUE)
# How often beat hands due webhook retries to the webhooks queue: a retry runs at most about
# this late.  Retries wait in Redis (webhooks.schedule_retry), never as countdown messages,
# which the Redis transport redelivers once held past the visibility timeout (Celery docs,
# "Redis: visibility timeout").
WEBHOOK_RETRY_TICK_SECONDS = 1.0
DRAIN_TASK = "rasad.drain_webhook_retries"


class QuietRetryTick(logging.Filter):
    """Celery logs each task at INFO when beat sends it, when a worker receives it and when
    it succeeds: for the retry tick, once a second, some 250,000 lines a day that say
    nothing.  Its INFO lines are kept only when it handed retries over (a return value
    other than 0); warnings and errors always pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        values = args.values() if isinstance(args, dict) else (args or ())
        if record.levelno != logging.INFO or DRAIN_TASK not in values:
            return True
        return isinstance(args, dict) and args.get("return_value") not in (None, "0")


# The loggers of celery/beat.py ("Sending due task"), celery/worker/strategy.py ("received")
# and celery/app/trace.py ("succeeded"); a logger's filters see every record it creates.
for _name in ("celery.beat", "celery.worker.strategy", "celery.app.trace"):
    logging.getLogger(_name).addFilter(QuietRetryTick())

# kombu's Redis transport keeps a taken message in "unacked" until it is acknowledged; a live
# worker's sweep puts back those older than the visibility timeout (QoS.restore_visible).
# The sweep timer fires every unacked_restore_interval seconds (10) but scans Redis only on
# every unacked_restore_throttle-th firing (default 10: about every 100 s; kombu PR #2558).
# Scanning on each firing brings stranded work back at most 10 s after the timeout, for one
# ZRANGE on a small sorted set per worker every 10 s.
RESTORE_SWEEP_SECONDS = 10
ARCHIVE_DRAIN_SECONDS = 30
ARCHIVE_PURGE_SECONDS = 3600


def transport_options(settings: Settings) -> dict:
    return {"visibility_timeout": settings.visibility_timeout_seconds,
            "unacked_restore_interval": RESTORE_SWEEP_SECONDS, "unacked_restore_throttle": 1}


def make_app(settings: Settings | None = None) -> Celery:
    settings = settings or Settings.from_env()
    # Nothing configured yet (tests, `rasad check` before `rasad run`): Celery's own default
    # address; a process that sends or consumes tasks always has a configured Redis.
    broker = effective_redis_url(settings, required=False) or "redis://127.0.0.1:6379/0"
    app = Celery("rasad", broker=broker, include=["worker.tasks"])
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_serializer="json",
        task_ignore_result=True, result_backend=None,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        # A bulk arrival's batches are sent at low priority (tasks.BULK_PRIORITY); the tasks
        # they start (alerts, webhooks, retries of a batch) keep it.
        task_inherit_parent_priority=True,
        broker_transport_options=transport_options(settings),
        broker_connection_retry_on_startup=True,
        # On a lost broker connection, cancel late-ack tasks so they are redelivered rather
        # than finishing unacknowledgeable (Celery 5.1+ opt-in, default in Celery 6).
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_queues=[Queue(q) for q in QUEUES], task_default_queue="poll",
        task_routes={
            "rasad.poll_due_feeds": {"queue": "poll"}, "rasad.poll_feed": {"queue": "poll"},
            "rasad.fetch_fulltext": {"queue": "poll"},
            "rasad.process_articles": {"queue": "nlp"},
            "rasad.raise_alerts": {"queue": "alerts"},
            "rasad.archive_drain": {"queue": "poll"}, "rasad.archive_purge": {"queue": "poll"},
            "rasad.sweep_stranded": {"queue": "poll"},
            "rasad.send_webhook": {"queue": WEBHOOK_QUEUE},
            DRAIN_TASK: {"queue": WEBHOOK_QUEUE},
        },
        beat_schedule={"poll-due-feeds": {"task": "rasad.poll_due_feeds",
                                          "schedule": settings.poll_tick_seconds},
                       # The archive (issue 10): writes kept while its database was away,
                       # and retention.  expires: a tick that waited is dropped, not stacked.
                       "archive-drain": {"task": "rasad.archive_drain",
                                         "schedule": ARCHIVE_DRAIN_SECONDS,
                                         "options": {"expires": ARCHIVE_DRAIN_SECONDS}},
                       "archive-purge": {"task": "rasad.archive_purge",
                                         "schedule": ARCHIVE_PURGE_SECONDS,
                                         "options": {"expires": ARCHIVE_PURGE_SECONDS}},
                       # Work whose message Redis lost (kombu's pop-then-record gap), on
                       # a live service: worker/service.py, sweep_stranded.
                       "stranded-sweep": {"task": "rasad.sweep_stranded",
                                          "schedule": settings.stranded_sweep_seconds,
                                          "options": {"expires": settings.stranded_sweep_seconds}},
                       # expires: ticks that wait while the webhooks worker is down are
                       # dropped instead of piling up; the next tick finds every due retry.
                       "webhook-retries": {"task": DRAIN_TASK,
                                           "schedule": WEBHOOK_RETRY_TICK_SECONDS,
                                           "options": {"expires": 30}}},
        worker_hijack_root_logger=False, worker_send_task_events=False,
        # Below the visibility timeout with room for a retry countdown (docs/scaling.md):
        # 150 s and 120 s with the 240 s default.  process_articles has its own (NLP) limits.
        task_time_limit=settings.task_time_limit_seconds,
        task_soft_time_limit=settings.task_time_limit_seconds - 30,
        timezone="UTC",
    )
    return app


# -- lean pool children (issue 12) -------------------------------------------------------
# Each prefork child costs the private memory it writes to.  A child's garbage collections
# write to the header of every object they traverse, so the model, gazetteer and rules the
# parent loaded would be copied page by page into every child.  The recipe of the gc
# module's docs (gc.freeze): no collection in the parent while it loads (none leaves freed
# holes in the pages the children share), gc.freeze() right before each fork (the loaded
# objects move to a permanent generation that collections never traverse), collections on
# again.  These receivers are connected before worker.tasks' (this module is imported
# first), so the parent's loading (tasks._preload, also on worker_init) runs with the
# collector off.  Measured with bench/bench_perf.py ("pss").


@signals.worker_init.connect
def _no_collection_while_loading(**_) -> None:
    gc.disable()


@signals.worker_before_create_process.connect
def _freeze_before_fork(**_) -> None:
    gc.freeze()
    gc.enable()  # the children inherit it on; the parent collects what it allocates later


@signals.worker_ready.connect
def _collect_again(**_) -> None:
    gc.enable()  # pools that never fork (threads, solo) get no worker_before_create_process


# Set by `rasad run` on its nlp worker (worker/service.py, NLP_NICENESS): the worker, and so
# its pool children, runs at a lower CPU priority than polling.  Applied on worker_init,
# before tasks._preload loads the model: the poll worker, ready first, polls every feed
# while the model loads (bench/bench_perf.py, "fresh": a niced load shortened the first
# round of 200 feeds by about 1 s on 2 busy cores; "cold" stays well under 10 s).
NICENESS_ENV = "RASAD_WORKER_NICENESS"


@signals.worker_init.connect
def _niceness(**_) -> None:
    increment = int(os.environ.get(NICENESS_ENV) or 0)
    if increment > 0:
        os.nice(increment)


# An NLP batch leaves tens of MB of freed memory in the C allocator's heap (tensors, token
# lists), which glibc keeps mapped in the child.  malloc_trim(0) after each batch gives it
# back to the system: measured on 8-article batches, a child's private memory between
# batches 69 -> 25 MB for 6 ms per batch (the next batch maps it again: peak unchanged).
NLP_TASK = "rasad.process_articles"


def _load_malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim with
        return None


_MALLOC_TRIM = _load_malloc_trim()


@signals.task_postrun.connect
def _give_back_freed_memory(sender=None, **_) -> None:
    if _MALLOC_TRIM is not None and getattr(sender, "name", None) == NLP_TASK:
        _MALLOC_TRIM(0)


app = make_app()
