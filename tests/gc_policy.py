"""When Python's cyclic garbage collector runs during a test run: a plugin pytest loads before
any other (`-p tests.gc_policy` in pyproject.toml's addopts), so that it covers the imports of
every other plugin, Django and the test modules too.

- While pytest starts and collects, the collector is off. Each process builds a heap of some
  300,000 objects then (Django, the project, the test modules), nearly all kept for the whole
  run, and the collector walked it again and again as it grew: 0.5-0.6 CPU-s in each process,
  in the seconds before the first test, when the controller and then each worker run alone
  (`pytest --collect-only tests -p no:xdist`: 2.7-3.3 s -> 2.1-2.4 s; 4 MB more at most).
- Once the tests are collected, what is alive is frozen (moved out of the collector's sight)
  and the first generation's threshold raised, so it runs less often over what the tests make.
  Collection passes over a run went from 3.1 to 1.7 CPU-s per worker (gc.callbacks timings);
  memory is still reclaimed, by reference counting and by those passes.
- When the tests are over, what is alive is frozen too, so the pass pytest's unconfigure makes
  over the whole heap (to report exceptions raised in the last tests' finalizers) has nothing
  to walk: 0.13-0.16 s in each process at the end of every run, in which the run waits. Each
  test's unraisable exceptions are still reported with the test.
"""

import gc

gc.disable()


def pytest_sessionstart(session):
    """xdist's controller collects nothing (its workers do): its collector comes back here."""
    if session.config.pluginmanager.hasplugin("dsession"):
        _collect_from_now_on()


def pytest_collection_finish(session):
    _collect_from_now_on()


def pytest_sessionfinish(session):
    gc.freeze()


def _collect_from_now_on() -> None:
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    gc.enable()
