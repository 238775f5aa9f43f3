"""tests/gc_policy.py turns the garbage collector off while pytest starts: the tests must run
with it on again, or a run's memory would only ever grow."""

import gc


def test_the_garbage_collector_runs_during_the_tests_past_the_heap_frozen_at_collection():
    assert gc.isenabled()
    assert gc.get_threshold()[0] == 10_000
    assert gc.get_freeze_count() > 100_000
