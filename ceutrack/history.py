"""The manager every model's `history` (django-simple-history) is read through.

simple-history's descriptor calls `history_manager.from_queryset(historical_queryset)` on every
read of `Model.history` or `instance.history`, and every save or delete of a tracked row reads
it to write its historical record: each read built a new manager class, about a quarter of a
millisecond (some 5,000 times in a test run). The class depends only on its arguments, so it
is built once per process; each read still gets its own manager instance.
"""

from functools import cache
from typing import Any

from simple_history.manager import HistoryManager


class HistoryManagerBuiltOnce(HistoryManager):
    @classmethod
    @cache
    def from_queryset(cls, queryset_class: Any, class_name: str | None = None) -> Any:
        return super().from_queryset(queryset_class, class_name)
