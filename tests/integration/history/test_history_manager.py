"""Every tracked model reads its history through one manager class built once (ceutrack.history),
and that manager still reads and writes the right rows."""

from django.apps import apps

from ceutrack.activities.models import Activity
from ceutrack.history import HistoryManagerBuiltOnce
from tests.factories import ActivityFactory


def _tracked_models():
    return [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]


def test_it_reads_every_tracked_models_history_through_one_class_built_once():
    tracked = _tracked_models()

    assert len(tracked) >= 4
    for model in tracked:
        assert isinstance(model.history, HistoryManagerBuiltOnce), model
        assert type(model.history) is type(model.history), model


def test_each_read_still_gets_its_own_manager_for_its_own_row(db):
    first, second = ActivityFactory(), ActivityFactory()
    second.title = "Changed"
    second.save()

    assert first.history is not second.history
    assert [h.title for h in first.history.all()] == [first.title]
    assert [h.title for h in second.history.all()] == ["Changed", second.history.last().title]
    assert Activity.history.count() == 3
