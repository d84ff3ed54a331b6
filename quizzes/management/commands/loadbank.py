from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.formats import convert
from quizzes.formats.bankfile import BankFileError
from quizzes.formats.database import import_bank
from quizzes.management.commands.importbank import owner_named


class Command(BaseCommand):
    help = "Load a bank file. Unchanged questions are left alone; changed ones get a new version."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--owner", help="Username of the educator who owns the bank.")

    def handle(self, *args, file: Path, owner: str | None, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text (byte {exc.start})") from None
        try:
            data = convert.parse(text, "json").bank
        except BankFileError as exc:
            raise CommandError(
                f"{file} was not loaded:\n" + "\n".join(f"  {e}" for e in exc.errors)
            ) from None
        report = import_bank(data, owner=owner_named(owner))
        self.stdout.write(f"Loaded {file}: {report}")
