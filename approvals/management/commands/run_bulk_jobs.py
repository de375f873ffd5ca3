"""Hand on the bulk jobs and history exports a restart left behind (safe to run any time)."""

from typing import Any

from django.core.management.base import BaseCommand

from approvals.background import sweep


class Command(BaseCommand):
    help = (
        "Re-queue background jobs whose worker died (lease run out), nudge queued jobs whose "
        "nudge was lost, and give up jobs claimed too often. Beat does the same every "
        "JOB_SWEEP_SECONDS; the workers do the work."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for kind, report in sweep().items():
            self.stdout.write(
                f"{kind}: {_listed(report.requeued)} re-queued (lease ran out), "
                f"{_listed(report.renudged)} nudged again (waiting), "
                f"{_listed(report.failed)} given up"
            )


def _listed(ids: list[int]) -> str:
    return f"{len(ids)}" + (f" ({', '.join(f'#{pk}' for pk in ids)})" if ids else "")
