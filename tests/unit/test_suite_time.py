"""benchmarks/suite_time.py judges the 60 s target only for a run of the whole suite."""

from benchmarks.suite_time import whole_suite


def test_it_judges_the_target_for_the_whole_suite_whatever_the_options():
    assert whole_suite([])
    assert whole_suite(["tests"])
    assert whole_suite(["--reuse-db", "tests"])
    assert whole_suite(["--reuse-db"])
    assert whole_suite(["--create-db", "tests"])


def test_it_leaves_the_target_unjudged_for_a_part_of_the_suite():
    assert not whole_suite(["tests/unit"])
    assert not whole_suite(["tests", "tests/browser"])
    assert not whole_suite(["-k", "dashboard"])
    assert not whole_suite(["-kdashboard", "tests"])
    assert not whole_suite(["--deselect=tests/browser", "--reuse-db"])
