"""The demo accounts and the shipped MMN bank, for `make run` and the browser tests."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from quizzes.formats import bankfile
from quizzes.formats.database import ImportReport, import_bank

MMN_BANK = Path(__file__).resolve().parent / "banks" / "mmn.json"
LEARNERS, EDUCATORS = "Learner", "Educator"

# Published in the README: these accounts exist only to try the app locally.
DEMO_ACCOUNTS = [
    ("learner", "learn-mmn-2026", LEARNERS),
    ("educator", "teach-mmn-2026", EDUCATORS),
]


def ensure_demo_accounts() -> list[tuple[str, str]]:
    """Create the demo users if missing; an existing one is left exactly as it is."""
    User = get_user_model()
    for username, password, group in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get_or_create(name=group)[0])
    return [(username, password) for username, password, _ in DEMO_ACCOUNTS]


def load_mmn_bank() -> ImportReport:
    educator = get_user_model().objects.filter(username="educator").first()
    return import_bank(bankfile.parse(MMN_BANK.read_text(encoding="utf-8")), owner=educator)
