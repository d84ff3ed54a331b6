import base64
import binascii
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes import media
from quizzes.management.commands.backup import media_file
from quizzes.models import Attempt, Bank, BankMedia


class Command(BaseCommand):
    help = "Load a backup made by `manage.py backup` into an empty, migrated database, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        if get_user_model().objects.exists() or Bank.objects.exists() or Attempt.objects.exists():
            raise CommandError("The database is not empty: restore only into a freshly migrated database.")
        images = _read_media(Path(file))
        # The files first: named by their content, one left behind by a failed restore is never wrong.
        for name, data in images.items():
            if not default_storage.exists(media.storage_name(name)):
                default_storage.save(media.storage_name(name), ContentFile(data))
        with transaction.atomic():
            call_command("loaddata", file, verbosity=0)
            missing = [
                name
                for name in BankMedia.objects.values_list("name", flat=True).distinct()
                if name not in images and not default_storage.exists(media.storage_name(name))
            ]
            if missing:
                raise CommandError(
                    f"Nothing was restored: {len(missing)} question image(s) are neither in "
                    f"{media_file(Path(file)).name} nor in the media storage (e.g. {missing[0]})."
                )

        counts = get_user_model().objects.count(), Bank.objects.count(), Attempt.objects.count()
        self.stdout.write("Restored {}: {} users, {} banks, {} attempts.".format(file, *counts))


def _read_media(backup: Path) -> dict[str, bytes]:
    """The images saved beside the backup, each checked to be the image its name says."""
    path = media_file(backup)
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text())
        images = {name: base64.b64decode(data, validate=True) for name, data in raw.items()}
    except (ValueError, AttributeError, TypeError, binascii.Error) as exc:
        raise CommandError(f"Nothing was restored: {path.name} cannot be read ({exc}).") from None
    for name, data in images.items():
        try:
            if media.inspect(data).name != name:
                raise media.MediaError("its bytes are another image's")
        except media.MediaError as exc:
            raise CommandError(f"Nothing was restored: the image {name} in {path.name}: {exc}.") from None
    return images
