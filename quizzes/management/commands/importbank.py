from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quizzes.formats import convert
from quizzes.formats.bankfile import BankFileError
from quizzes.formats.common import FORMATS, decode, slugify
from quizzes.formats.database import import_bank
from quizzes.models import Bank


def owner_named(username: str | None):
    """The user named by --owner (None when it is not given); an unknown name stops the command."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user named {username!r}")
    return user


class Command(BaseCommand):
    help = (
        "Import a bank file, GIFT or Moodle XML, all or nothing. GIFT and Moodle XML go into the bank named "
        "by --bank (made if it does not exist); a bank file names its own bank."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=list(FORMATS), default="json")
        parser.add_argument(
            "--bank", help="GIFT and Moodle XML: the bank's slug (default: from the file name)."
        )
        parser.add_argument("--title", help="GIFT and Moodle XML: the title of a new bank.")
        parser.add_argument("--owner", help="Username of the educator who owns the bank.")
        parser.add_argument(
            "--leave-out-errors",
            action="store_true",
            help="GIFT and Moodle XML: import the questions that read; leave out (and list) the others.",
        )

    def handle(self, *args, file: Path, format: str, bank: str | None, title: str | None, owner, **options):
        try:
            text = decode(file.read_bytes())
            slug = slugify(bank or file.stem, default="imported")
            result = convert.parse(
                text,
                format,
                slug=slug,
                title=title or file.stem,
                leave_out_errors=options["leave_out_errors"],
            )
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except BankFileError as exc:
            # The warnings found before the refusal are part of the answer: the educator fixes both at once.
            warnings = getattr(exc, "warnings", [])
            raise CommandError(
                f"{file} was not imported:\n"
                + "\n".join(f"  {e}" for e in exc.errors)
                + "".join(f"\n  warning: {w}" for w in warnings)
            ) from None
        user = owner_named(owner)
        data = result.bank
        if format != "json":
            existing = Bank.objects.filter(slug=data.slug).first()
            if existing is not None:
                data = convert.into_bank(data, existing)
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        for error in result.left_out:
            self.stderr.write(f"left out: {error}")
        report = import_bank(data, owner=user)
        self.stdout.write(f"Imported {file}: {report}")
