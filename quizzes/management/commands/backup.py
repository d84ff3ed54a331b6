from django.core.management import call_command
from django.core.management.base import BaseCommand

# What a backup leaves out: rows that migrate recreates, and short-lived state.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


class Command(BaseCommand):
    help = "Write all data (users, groups, banks, questions, quizzes, attempts, reviews) to an XML file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup, e.g. backup.xml.")

    def handle(self, *args, file: str, **options):
        call_command(
            "dumpdata",
            # XML keeps timestamps to the microsecond; Django's JSON cuts them to milliseconds.
            format="xml",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            indent=1,
            output=file,
            verbosity=0,
        )
        self.stdout.write(
            f"Backed up to {file}. Restore into an empty database with: manage.py restore {file}"
        )
