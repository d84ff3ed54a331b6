"""One entry point per direction for every format: `parse` text into an ImportResult, `serialise` a bank.

Every import goes through `parse` (the web preview and confirm, `importbank`, `loadbank`), which checks
what any format gives against what the database can hold, once, after the format's own checks.

`into_bank` fits a parsed GIFT or Moodle XML file to the bank it is imported into: those formats carry no
bank of their own, and their categories name topics by title, so a title the bank already has keeps
that topic (and its position) rather than making a second one.
"""

from quizzes.items import ITEM_TYPES
from quizzes.models import Bank

from . import bankfile, gift
from .bankfile import BankData, BankFileError, QuestionData
from .common import FORMATS, FileRefused, ImportResult
from .database import storage_problems


def parse(
    text: str,
    fmt: str,
    *,
    slug: str = "imported",
    title: str = "Imported questions",
    leave_out_errors: bool = False,
) -> ImportResult:
    """Read `text` in format `fmt`. Raises BankFileError (every problem with its line) and nothing else;
    for GIFT and Moodle XML a FileRefused, which also keeps the warnings found before the refusal.

    `leave_out_errors`: the educator asked to import the questions that read and leave out the ones with
    errors; those are listed in `left_out`, with their errors. A file with no good question is refused.
    """
    try:
        result = _read(text, fmt, slug, title)
    except FileRefused as refused:
        if not (leave_out_errors and refused.good and refused.good.questions):
            raise
        result = ImportResult(bank=refused.good, warnings=refused.warnings, left_out=refused.errors)
    if problems := storage_problems(result.bank):
        if not leave_out_errors or fmt == "json":
            raise FileRefused(problems, result.warnings)
        _leave_out_unstorable(result)
    return result


def _read(text: str, fmt: str, slug: str, title: str) -> ImportResult:
    if fmt == "json":
        return ImportResult(bank=bankfile.parse(text))
    if fmt == "gift":
        return gift.parse(text, slug=slug, title=title)
    if fmt == "moodlexml":
        from . import moodlexml

        return moodlexml.parse(text, slug=slug, title=title)
    raise BankFileError([f"unknown format {fmt!r} (known: {', '.join(FORMATS)})"])


def _leave_out_unstorable(result: ImportResult) -> None:
    """Leave out each question the database cannot hold; refuse the file if the rest still cannot be."""
    bank = result.bank
    shell = BankData(slug=bank.slug, title=bank.title, topics=bank.topics)
    shell.topic_lines = bank.topic_lines
    if problems := storage_problems(shell):  # the bank or a topic: nothing to leave out, the file is refused
        raise FileRefused(problems, result.warnings)
    kept = []
    for question in bank.questions:
        shell.questions = [question]
        if problems := storage_problems(shell):
            result.left_out += problems
        else:
            kept.append(question)
    bank.questions = kept
    bank.keep_shown_media()
    if not kept:
        raise FileRefused(result.left_out, result.warnings)


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


def key_summary(question: QuestionData) -> str:
    """The answer key of a parsed question in a few words, for the educator's import preview."""
    spec, kind = question.spec, question.type
    if kind in ("single", "multiple", "truefalse"):
        return "; ".join(o["text"] for o in spec["options"] if o["correct"])
    if kind == "shortanswer":
        return "; ".join(a["text"] for a in spec["answers"] if a["correct"])
    if kind == "numeric":
        accept, unit = spec["accept"], f" {spec['unit']}" if spec.get("unit") else ""
        if "value" in accept:
            tolerance = f" ± {accept['tolerance']}" if accept["tolerance"] else ""
            return f"{accept['value']}{tolerance}{unit}"
        return f"{accept['min']} to {accept['max']}{unit}"
    if kind == "matching":
        return "; ".join(f"{p['text']} → {p['match'] or '(no match)'}" for p in spec["premises"])
    if kind == "ordering":
        return " → ".join(s["text"] for s in spec["steps"])
    if kind == "cloze":
        return "; ".join(b["correct"] for b in spec["blanks"])
    return ""


def problems_text(warnings: list[str], errors: list[str]) -> str:
    """Every error and warning of an import, one a line, for the educator to download and fix."""
    return "".join(f"error\t{e}\n" for e in errors) + "".join(f"warning\t{w}\n" for w in warnings)


# The types some of whose questions a format cannot carry (the others always go).
AT_RISK = {"matrix", "cloze", "ordering", "shortanswer"}


def export_gaps(bank: Bank) -> dict[str, list[tuple[str, str]]]:
    """For GIFT and Moodle XML, the bank's questions that format cannot carry, (key, why), as the export
    itself decides (the same functions). One query, whatever the bank's size."""
    from . import moodlexml

    rows = (
        bank.questions.filter(current_version__item_type__in=AT_RISK)
        .order_by("key")
        .values_list("key", "current_version__item_type", "current_version__spec")
    )
    gaps: dict[str, list[tuple[str, str]]] = {"gift": [], "moodlexml": []}
    for key, kind, spec in rows:
        question = QuestionData(key, "", kind, "", "", "", "", ITEM_TYPES[kind].content(spec))
        for fmt, module in (("gift", gift), ("moodlexml", moodlexml)):
            if why := module.cannot_write(question):
                gaps[fmt].append((key, why))
    return gaps
