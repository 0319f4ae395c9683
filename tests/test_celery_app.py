"""The Celery application's process hooks: the collector around the pool's forks (issue 12)."""

import gc

import pytest
from celery import signals

from worker import celery_app


@pytest.fixture
def collector():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


# The receivers are called directly: sending worker_init would run tasks._preload too.


def test_the_parent_loads_with_the_collector_off_and_freezes_before_each_fork(collector):
    celery_app._no_collection_while_loading()
    assert not gc.isenabled()
    loaded = [{"loaded": i} for i in range(1000)]  # what tasks._preload would load
    celery_app._freeze_before_fork()
    assert gc.isenabled()  # children inherit it on
    assert gc.get_freeze_count() >= len(loaded)  # collections in children never touch them


def test_a_pool_that_never_forks_collects_again_once_ready(collector):
    celery_app._no_collection_while_loading()
    celery_app._collect_again()
    assert gc.isenabled()


def test_the_hooks_are_connected_and_run_before_the_model_is_loaded():
    import worker.tasks

    assert worker.tasks._preload  # importing it connected tasks._preload to worker_init

    receivers = [r[1]() for r in signals.worker_init.receivers]
    names = [getattr(r, "__name__", "") for r in receivers]
    assert names.index(celery_app._no_collection_while_loading.__name__) \
        < names.index("_preload")
    for signal, hook in ((signals.worker_before_create_process, "_freeze_before_fork"),
                         (signals.worker_ready, "_collect_again")):
        assert hook in [getattr(r[1](), "__name__", "") for r in signal.receivers]


def test_a_worker_takes_the_niceness_rasad_run_gives_it_before_loading(monkeypatch):
    calls = []
    monkeypatch.setattr(celery_app.os, "nice", calls.append)
    monkeypatch.setenv(celery_app.NICENESS_ENV, "5")
    celery_app._niceness()
    monkeypatch.delenv(celery_app.NICENESS_ENV)
    celery_app._niceness()
    assert calls == [5]
    names = [getattr(r[1](), "__name__", "") for r in signals.worker_init.receivers]
    assert "_niceness" in names


def test_memory_is_given_back_after_an_nlp_batch_only(monkeypatch):
    import types

    calls = []
    monkeypatch.setattr(celery_app, "_MALLOC_TRIM", calls.append)
    celery_app._give_back_freed_memory(sender=types.SimpleNamespace(name="rasad.poll_feed"))
    celery_app._give_back_freed_memory(sender=types.SimpleNamespace(name=celery_app.NLP_TASK))
    assert calls == [0]


def test_malloc_trim_is_found_on_this_glibc_system():
    assert celery_app._MALLOC_TRIM is not None
    assert celery_app._MALLOC_TRIM(0) in (0, 1)
