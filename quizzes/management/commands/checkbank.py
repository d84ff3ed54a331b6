import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.authoring.checks import Finding, Severity, check_bank
from quizzes.authoring.quality import BankQuality, Reviewed, review_bank
from quizzes.formats import convert
from quizzes.formats.bankfile import BankFileError
from quizzes.models import Bank, WarningDismissal


class Command(BaseCommand):
    help = (
        "Run the item-writing checks on a bank (its slug) or a bank file (its path). Exits with status 1 "
        "when any warning is left that nobody has dismissed with a reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("bank", help="The bank's slug (e.g. mmn), or the path of a bank file.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, bank: str, format: str, **options):
        quality, name = self.review(bank)
        if format == "json":
            self.stdout.write(json.dumps(as_json(name, quality), indent=2, ensure_ascii=False))
        else:
            self.write_text(name, quality)
        if quality.open:
            raise CommandError(f"{len(quality.open)} warning(s) left in {name}.", returncode=1)

    def review(self, bank: str) -> tuple[BankQuality, str]:
        path = Path(bank)
        if path.is_file():
            return self.review_file(path), str(path)
        found = Bank.objects.filter(slug=bank).first()
        if found is None:
            known = ", ".join(Bank.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no bank {bank!r} (known: {known}) and no file of that name")
        return review_bank(found, bank_level=True), found.slug

    def review_file(self, path: Path) -> BankQuality:
        """A file has no answers to measure: what its text shows, less the warnings it dismisses."""
        try:
            data = convert.parse(path.read_text(encoding="utf-8"), "json").bank
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text (byte {exc.start})") from None
        except BankFileError as exc:
            raise CommandError(
                f"{path} cannot be read:\n" + "\n".join(f"  {e}" for e in exc.errors)
            ) from None
        dismissed = {q.key: q.dismissed for q in data.questions}
        return BankQuality(
            [
                Reviewed(f, dismissal=file_dismissal(f, dismissed.get(f.key, {})))
                for f in check_bank(data.questions, bank_level=True)
            ]
        )

    def write_text(self, name: str, quality: BankQuality) -> None:
        for r in quality.reviewed:
            where = f"question {r.finding.key}" if r.finding.key else "the bank"
            line = f"{where}: {r.finding.severity} [{r.finding.check}] {r.finding.message}"
            if r.dismissal is not None:
                who = described(r.dismissal)
                by = f"by {who['by'] or 'someone'} on {who['at'][:10]}" if who["at"] else "in the file"
                line += f"\n    dismissed {by}: {who['reason']}"
            self.stdout.write(line)
        advice = sum(1 for r in quality.reviewed if r.finding.severity == Severity.ADVICE)
        left, dismissed = len(quality.open), len(quality.dismissed)
        self.stdout.write(f"{name}: {left} warning(s) left, {dismissed} dismissed, {advice} advice")


def file_dismissal(finding: Finding, dismissed: dict[str, str]) -> WarningDismissal | None:
    """A bank file's dismissal of `finding`, unsaved and with no author or date, or None."""
    reason = dismissed.get(finding.check)
    return WarningDismissal(check_id=finding.check, reason=reason, dismissed_at=None) if reason else None


def described(dismissal: WarningDismissal) -> dict:
    """Who dismissed a warning, when (ISO 8601) and why; a bank file's dismissal has neither who nor when."""
    return {
        "by": dismissal.dismissed_by.get_username() if dismissal.dismissed_by else None,
        "at": dismissal.dismissed_at.isoformat() if dismissal.dismissed_at else None,
        "reason": dismissal.reason,
    }


def as_json(name: str, quality: BankQuality) -> dict:
    def entry(r: Reviewed) -> dict:
        return r.finding.as_dict() | {
            "version": r.version.number if r.version else None,
            "dismissed": described(r.dismissal) if r.dismissal else None,
        }

    return {
        "bank": name,
        "warnings_left": len(quality.open),
        "findings": [entry(r) for r in quality.reviewed],
    }
