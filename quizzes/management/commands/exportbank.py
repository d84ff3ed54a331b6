from django.core.management.base import BaseCommand, CommandError

from quizzes.formats import convert
from quizzes.formats.common import FORMATS
from quizzes.formats.database import export_bank
from quizzes.models import Bank


class Command(BaseCommand):
    help = "Print a bank (its topics, current questions and quizzes) as a bank file, GIFT or Moodle XML."

    def add_arguments(self, parser):
        parser.add_argument("bank", help="The bank's slug, e.g. mmn.")
        parser.add_argument("--format", choices=list(FORMATS), default="json")

    def handle(self, *args, bank: str, format: str, **options):
        found = Bank.objects.filter(slug=bank).first()
        if found is None:
            known = ", ".join(Bank.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no bank {bank!r} (known: {known})")
        text, skipped = convert.serialise(export_bank(found), format)
        for line in skipped:
            self.stderr.write(f"skipped: {line}")
        self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
