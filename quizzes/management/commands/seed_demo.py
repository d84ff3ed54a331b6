from django.core.management.base import BaseCommand

from quizzes.demo import ensure_demo_accounts, load_mmn_bank


class Command(BaseCommand):
    help = "Create the demo learner and educator and load the MMN bank. Safe to run again."

    def handle(self, *args, **options):
        accounts = ensure_demo_accounts()
        self.stdout.write(f"MMN bank: {load_mmn_bank()}")
        self.stdout.write(self.style.SUCCESS("\nDemo log-ins for http://127.0.0.1:8000/"))
        for username, password in accounts:
            self.stdout.write(f"  {username:<9} password: {password}")
        self.stdout.write("")
