"""One entry point per direction for every format: `parse` text into an ImportResult, `serialise` a bank.

`into_bank` fits a parsed GIFT or Moodle XML file to the bank it is imported into: those formats carry no
bank of their own, and their categories name topics by title, so a title the bank already has keeps
that topic (and its position) rather than making a second one.
"""

from quizzes.models import Bank

from . import bankfile, gift
from .bankfile import BankData, BankFileError
from .common import FORMATS, ImportResult


def parse(text: str, fmt: str, *, slug: str = "imported", title: str = "Imported questions") -> ImportResult:
    """Read `text` in format `fmt`. Raises BankFileError (every problem with its line) and nothing else."""
    if fmt == "json":
        return ImportResult(bank=bankfile.parse(text))
    if fmt == "gift":
        return gift.parse(text, slug=slug, title=title)
    if fmt == "moodlexml":
        from . import moodlexml

        return moodlexml.parse(text, slug=slug, title=title)
    raise BankFileError([f"unknown format {fmt!r} (known: {', '.join(FORMATS)})"])


def serialise(data: BankData, fmt: str) -> tuple[str, list[str]]:
    """The bank as text in `fmt`, and the questions that format cannot hold (reported, never dropped
    silently)."""
    if fmt == "json":
        return bankfile.dump(data), []
    if fmt == "gift":
        return gift.dump(data)
    if fmt == "moodlexml":
        from . import moodlexml

        return moodlexml.dump(data)
    raise ValueError(f"unknown format {fmt!r}")


def into_bank(data: BankData, bank: Bank) -> BankData:
    """`data` (from a format without a bank) as an import into `bank`, keeping the bank's title and topics."""
    existing = list(bank.topics.order_by("position", "id").values_list("slug", "title"))
    slug_for_title = {title.casefold(): slug for slug, title in existing}
    renamed = {slug: slug_for_title.get(title.casefold(), slug) for slug, title in data.topics}
    known = {slug for slug, _ in existing}
    topics = existing + [(renamed[slug], title) for slug, title in data.topics if renamed[slug] not in known]
    for question in data.questions:
        question.topic = renamed[question.topic]
    data.slug, data.title, data.description, data.source = (
        bank.slug,
        bank.title,
        bank.description,
        bank.source,
    )
    data.topics = topics
    return data
