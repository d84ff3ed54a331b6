import base64
import json
import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# What a backup leaves out: rows that migrate recreates, and short-lived state.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


class Command(BaseCommand):
    help = "Write all data (users, groups, banks, questions, quizzes, attempts, reviews) to an XML file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup, e.g. backup.xml.")

    def handle(self, *args, file: str, **options):
        target = Path(file)
        if not target.parent.is_dir():
            raise CommandError(f"No backup was written: the folder {target.parent} does not exist.")
        # Written beside the target and renamed only once complete, so a failed backup never leaves a file
        # that looks like one (nor spoils an earlier backup of the same name). mkstemp makes it readable by
        # its owner only, which suits a file holding password hashes.
        handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(handle)
        try:
            call_command(
                "dumpdata",
                # XML keeps timestamps to the microsecond; Django's JSON cuts them to milliseconds.
                format="xml",
                natural_foreign=True,
                natural_primary=True,
                exclude=EXCLUDED,
                indent=1,
                output=partial,
                verbosity=0,
            )
            with open(partial, "rb") as written:
                os.fsync(written.fileno())
            _write_media(target)
            os.replace(partial, target)
        except BaseException as exc:
            Path(partial).unlink(missing_ok=True)
            if isinstance(exc, CommandError):
                raise CommandError(f"No backup was written to {file}: {exc}") from exc
            raise
        self.stdout.write(
            f"Backed up to {file}. Restore into an empty database with: manage.py restore {file}"
        )


def media_file(backup: Path) -> Path:
    """Where a backup keeps its question images: beside it, `<backup>.media.json`."""
    return backup.with_name(backup.name + ".media.json")


def _write_media(target: Path) -> None:
    """The question images (BankMedia's files, in Django's default storage, not in the database) as
    {name: base64}, beside the backup, written whole or not at all. None: no file."""
    from quizzes.authoring.media import read
    from quizzes.models import BankMedia

    names = sorted(set(BankMedia.objects.values_list("name", flat=True)))
    path = media_file(target)
    if not names:
        path.unlink(missing_ok=True)  # an older backup's images must not pass for this one's
        return
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump({name: base64.b64encode(read(name)).decode("ascii") for name in names}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
