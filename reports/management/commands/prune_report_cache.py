"""Delete cached per-person PDFs that have not been printed for a while (cron, e.g. weekly)."""

from django.core.management.base import BaseCommand, CommandError

from reports import cache


class Command(BaseCommand):
    help = (
        "Delete cached per-person PDFs not printed for --days days (default 30) and temporary "
        "files left by a writer that was killed. Safe while the app runs: a deleted file that "
        "is needed again is rendered again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        deleted, freed = cache.prune(unused_days=days)
        self.stdout.write(f"{deleted} files deleted, {freed / 1_048_576:.1f} MB freed")
