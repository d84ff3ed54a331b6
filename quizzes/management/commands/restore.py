from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes.models import Attempt, Bank


class Command(BaseCommand):
    help = "Load a backup made by `manage.py backup` into an empty, migrated database, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        if get_user_model().objects.exists() or Bank.objects.exists() or Attempt.objects.exists():
            raise CommandError("The database is not empty: restore only into a freshly migrated database.")
        with transaction.atomic():
            call_command("loaddata", file, verbosity=0)
        counts = get_user_model().objects.count(), Bank.objects.count(), Attempt.objects.count()
        self.stdout.write("Restored {}: {} users, {} banks, {} attempts.".format(file, *counts))
