from django.core.management.base import BaseCommand, CommandError

from quizzes.formats import bankfile
from quizzes.formats.database import export_bank
from quizzes.models import Bank


class Command(BaseCommand):
    help = "Print a bank (its topics, current questions and quizzes) as a bank file."

    def add_arguments(self, parser):
        parser.add_argument("bank", help="The bank's slug, e.g. mmn.")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, bank: str, **options):
        found = Bank.objects.filter(slug=bank).first()
        if found is None:
            known = ", ".join(Bank.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no bank {bank!r} (known: {known})")
        self.stdout.write(bankfile.dump(export_bank(found)), ending="")
