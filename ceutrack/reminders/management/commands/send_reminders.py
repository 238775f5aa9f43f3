"""Plan today's reminders and send the due ones once: the same functions as the Celery tasks,
for cron or debugging."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ceutrack.reminders.digest import plan_weekly_digests
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.sender import send_pending_reminders


class Command(BaseCommand):
    help = "Plan the reminders due today, then send every due reminder once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Plan and recheck as if today were YYYY-MM-DD (default: each person's date).",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Re-plan everybody with a credential, not only the people due for a check "
            "(after a change of thresholds in the settings, say).",
        )
        parser.add_argument(
            "--digests",
            action="store_true",
            help="Also plan the weekly manager digests for the last full week.",
        )

    def handle(self, *args: object, **options: object) -> None:
        today = _parse_date(options["date"]) if options["date"] else None
        planned = plan_reminders(today=today, enqueue_sender=False, full=bool(options["full"]))
        self.stdout.write(f"Planned {planned} reminder(s).")
        if options["digests"]:
            digests = plan_weekly_digests(today=today, enqueue_sender=False)
            self.stdout.write(f"Planned {digests} digest(s).")
        report = send_pending_reminders(today=today)
        self.stdout.write(
            f"Sent {report.sent}, skipped {report.skipped}, will retry {report.retried}, "
            f"failed {report.failed}, recovered {report.recovered} stale claim(s)."
        )


def _parse_date(value: object) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}.") from exc
