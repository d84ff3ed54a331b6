"""Item-writing checks: the cues and flaws an experienced item writer looks for, found by the code.

Plain Python on the item data every other part already produces: `QuestionData` (the bank file's
question, with the item type's spec in its file shape, no generated ids), which the question editor
(`QuestionDraft.data`), every importer and `export_bank` give. Nothing here touches the database.

Each check has an id (stable: dismissals record it), a severity and a message an educator understands,
and its docstring names the item-writing guidance it comes from:

- NCSBN, *NCLEX-RN Test Plan* and the NCSBN item-writing guidance for the Next Generation NCLEX
  (clinical judgment items, select-all-that-apply, one best answer);
- NBME, *Constructing Written Test Questions for the Basic and Clinical Sciences* (Paniagua & Swygert,
  4th ed., 2016), chapter 2 ("technical item flaws": testwiseness and irrelevant difficulty) and
  chapter 3 (one-best-answer items);
- Haladyna, Downing & Rodriguez (2002), "A review of multiple-choice item-writing guidelines",
  *Applied Measurement in Education* 15(3): the 31 guidelines NBME and NCSBN both draw on.

`check_item` runs the checks of one item (the editor, as the author types); `check_bank` runs them on a
whole bank, with the bank-level ones (near-duplicates, key patterns, measured facility).
"""

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from rapidfuzz import fuzz, process

from ..formats.bankfile import QuestionData
from ..items.base import neutral_order
from ..media import in_words, references


class Severity(StrEnum):
    WARNING = "warning"  # a flaw a reviewer would send back: checkbank fails while one is left
    ADVICE = "advice"  # worth a look, not always wrong


@dataclass(frozen=True)
class Check:
    id: str
    title: str  # a few words, for the question list's filter
    severity: Severity
    guidance: str  # the docstring of the function that runs it: where the rule comes from


@dataclass(frozen=True)
class Finding:
    """One check's complaint about one item (`key`), or about the bank as a whole (`key` "")."""

    check: str
    severity: Severity
    message: str
    key: str = ""
    field: str = ""  # the part of the item it is about ("stem", "options", "accept"), for the editor

    @property
    def title(self) -> str:
        return CHECKS[self.check].title

    def as_dict(self) -> dict:
        return {
            "check": self.check,
            "severity": str(self.severity),
            "message": self.message,
            "key": self.key,
            "field": self.field,
        }


CHECKS: dict[str, Check] = {}
ItemCheck = Callable[[QuestionData], Iterable[tuple[str, str]]]  # -> (message, field) pairs
BankCheck = Callable[[Sequence[QuestionData]], Iterable[Finding]]
_ITEM_CHECKS: list[tuple[Check, ItemCheck]] = []
_BANK_CHECKS: list[tuple[Check, BankCheck]] = []


def _register(id: str, title: str, severity: Severity, function) -> Check:
    check = Check(id=id, title=title, severity=severity, guidance=" ".join((function.__doc__ or "").split()))
    CHECKS[id] = check
    return check


def item_check(id: str, title: str, severity: Severity = Severity.WARNING):
    def register(function: ItemCheck) -> ItemCheck:
        _ITEM_CHECKS.append((_register(id, title, severity, function), function))
        return function

    return register


def bank_check(id: str, title: str, severity: Severity = Severity.WARNING):
    def register(function: BankCheck) -> BankCheck:
        _BANK_CHECKS.append((_register(id, title, severity, function), function))
        return function

    return register


# -- reading the item's text ------------------------------------------------------------------------------

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
STOPWORDS = frozenset(
    """about above after again against among another because been before being below between both could
    does doing during each either every from further have having here into itself just least more most
    much other over patient patients same should some such than that their them then there these they
    this those through under until very what when where which while whom whose will with would your
    nurse nurses following statement statements describes correct best likely""".split()  # noqa: SIM905
)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(unicodedata.normalize("NFKC", text))]


def _root(word: str) -> str:
    """A crude stem, enough to match "injection" with "injections" and "weak" with "weakness"."""
    for ending in ("ness", "ing", "es", "s", "ed"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def _options(q: QuestionData) -> list[dict]:
    return _read(q)[0]


def _split(q: QuestionData) -> tuple[list[str], list[str]]:
    """(keys, distractors): the option texts of a choice item."""
    return _read(q)[1]


# (item, its spec, what _read found): the checks of one check_item call ask five times for the same reading
_last_read: tuple = (None, None, None)


def _read(q: QuestionData) -> tuple[list[dict], tuple[list[str], list[str]]]:
    """The options of a choice item and their (keys, distractors) texts, read once for the item that
    check_item is checking (it forgets the reading before and after, so an item edited in place, or a
    check called on its own, reads afresh)."""
    global _last_read
    item, spec, found = _last_read
    if item is q and spec is q.spec and found is not None:
        return found
    raw = q.spec.get("options") if q.type in ("single", "multiple") else None
    options = (
        [o for o in raw if isinstance(o, dict) and isinstance(o.get("text"), str)]
        if isinstance(raw, list)
        else []
    )
    split = (
        [o["text"] for o in options if o.get("correct")],
        [o["text"] for o in options if not o.get("correct")],
    )
    if item is q and spec is q.spec:  # inside check_item's run on this item
        _last_read = (q, q.spec, (options, split))
    return options, split


# -- the checks on one item -------------------------------------------------------------------------------

LONGEST_RATIO, LONGEST_MARGIN = 1.3, 10  # the key this much longer (and by this many letters) is a cue


def _fields(q: QuestionData):
    """(field, text) for every text of the item, the field named as the editor names it ("stem",
    "options.0.rationale")."""
    yield "stem", q.stem
    yield "explanation", q.explanation

    def walk(value, path: str):
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for name, inner in value.items():
                yield from walk(inner, f"{path}.{name}" if path else name)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                yield from walk(inner, f"{path}.{index}")

    yield from walk(q.spec, "")


def _in_words(q: QuestionData) -> QuestionData:
    def walk(value):
        if isinstance(value, str):
            return in_words(value)
        if isinstance(value, dict):
            return {name: walk(inner) for name, inner in value.items()}
        if isinstance(value, list):
            return [walk(inner) for inner in value]
        return value

    return replace(q, stem=in_words(q.stem), explanation=in_words(q.explanation), spec=walk(q.spec))


@item_check("image-alt-text", "Image without alt text")
def image_without_alt(q: QuestionData):
    """An image has no alt text. WCAG 2.2 success criterion 1.1.1 (non-text content): every image that
    carries information has a text alternative; a learner using a screen reader cannot answer an item
    whose figure they cannot perceive. NCSBN's accessibility guidance for NCLEX exhibits says the same:
    describe what the figure shows that the item needs, never the answer."""
    for field, text in _fields(q):
        missing = sum(1 for alt, _ in references(text) if not alt.strip())
        if missing:
            yield (
                f"{missing} image{'s' if missing > 1 else ''} in {field.split('.')[0]} "
                f"{'have' if missing > 1 else 'has'} no alt text. Write what the figure shows between the "
                "brackets, ![like this](media:…), without giving the answer away.",
                field,
            )


@item_check("key-longest", "Key is the longest option")
def key_longest(q: QuestionData):
    """The key is the longest option by a clear margin. NBME (2016) ch. 2, "long correct answer": the
    correct option is often longer, more specific or more hedged than the distractors, and test-wise
    examinees pick it; Haladyna et al. (2002) guideline 23: keep options about equal in length."""
    keys, distractors = _split(q)
    if q.type != "single" or len(keys) != 1 or not distractors:
        return
    key, longest = len(keys[0]), max(len(d) for d in distractors)
    if key >= LONGEST_RATIO * longest and key - longest >= LONGEST_MARGIN:
        yield (
            f"The correct option is the longest by far ({key} characters; the longest distractor has "
            f"{longest}). Test-wise learners pick the longest, most qualified option: make the options "
            "about the same length.",
            "options",
        )


ALL_OR_NONE = re.compile(
    r"\b(all|none|both|neither)\s+of\s+(?:the\s+)?(above|options|answers|choices|these|preceding)\b", re.I
)
ABSOLUTES = frozenset(
    """always never only every everyone everything nobody none nothing completely entirely absolutely
    invariably guaranteed guarantees impossible""".split()  # noqa: SIM905
)
ABSOLUTE_PHRASES = ("no one", "in all cases", "under no circumstances")


ABSOLUTE_PHRASE = re.compile(r"\b(?:" + "|".join(ABSOLUTE_PHRASES) + r")\b")


# "Every" before a count or a span of time gives a rate ("every 2-5 weeks", "every few weeks", "0.6 cases in
# every 100,000"), not a claim that something holds without exception.
EVERY_AS_RATE = re.compile(
    r"\bevery\s+(?:\d|few\b|other\b|couple\b|several\b|(?:hour|day|night|week|month|year)s?\b)", re.I
)


def _absolutes(text: str) -> set[str]:
    text = EVERY_AS_RATE.sub("", ALL_OR_NONE.sub("", text))  # "none of the above" has a check of its own
    words = _words(text)
    return {w for w in words if w in ABSOLUTES} | set(ABSOLUTE_PHRASE.findall(" ".join(words)))


@item_check("absolute-distractors", "Absolute words only in distractors")
def absolute_distractors(q: QuestionData):
    """Absolute words ("always", "never", "only", "no one") appear in distractors and in no key. NBME
    (2016) ch. 2, "absolute terms": test-wise examinees rule out options with always or never;
    Haladyna et al. (2002) guideline 28 ("avoid specific determiners")."""
    keys, distractors = _split(q)
    if not keys or not distractors or any(_absolutes(k) for k in keys):
        return
    marked = [d for d in distractors if _absolutes(d)]
    if marked:
        words = sorted(set().union(*(_absolutes(d) for d in marked)))
        yield (
            f"Absolute words ({', '.join(f'“{w}”' for w in words)}) appear in {len(marked)} "
            f"distractor{'s' if len(marked) > 1 else ''} and in no correct option, so learners can rule "
            "those out without knowing the content. Reword them, or use such words in a key too.",
            "options",
        )


@item_check("all-none-of-the-above", "“All/none of the above”")
def all_or_none_of_the_above(q: QuestionData):
    """An option says "all of the above" or "none of the above". NBME (2016) ch. 2: "none of the above"
    asks whether the options are wrong, not whether the examinee knows what is right, and "all of the
    above" is chosen by anyone who spots two right options; Haladyna et al. (2002) guidelines 25 and 26.
    NCSBN writes select-all-that-apply items instead."""
    for index, option in enumerate(_options(q)):
        if match := ALL_OR_NONE.search(option["text"]):
            yield (
                f"Option “{option['text'][:60]}” says “{match.group(0)}”. Write a select-all-that-apply "
                "item, or a real distractor, instead.",
                f"options.{index}.text",
            )


NEGATIVE = re.compile(r"(\*\*|__|\*|_)?\b(not|except|least|incorrect|untrue)\b(\*\*|__|\*|_)?", re.I)
CONTRACTED = re.compile(r"\b\w+n['’]t\b", re.I)


SENTENCE_END = re.compile(r"(?:(?<=[.?!:])|(?<=[.?!:][\"”’')]))\s+")


def _lead_in(stem: str) -> str:
    """The question the stem ends with: its last sentence."""
    # A sentence also ends at a closing quote after its stop: a patient's quoted words are not the question.
    sentences = [s for s in SENTENCE_END.split(stem.strip()) if s.strip()]
    return sentences[-1] if sentences else ""


@item_check("negative-stem", "Negative stem without emphasis")
def negative_stem(q: QuestionData):
    """The question asks for what is NOT true (not, except, least) and the word is not emphasised.
    NBME (2016) ch. 2 and Haladyna et al. (2002) guideline 17: word stems positively; if a negative
    is needed, make it stand out (capitals or bold) so a careful reader does not miss it. NCSBN's
    NCLEX items write negatives in bold capitals (e.g. "requires **further** teaching")."""
    lead = _lead_in(q.stem)
    for match in NEGATIVE.finditer(lead):
        before, word, after = match.groups()
        emphasised = (before and after) or (word.isupper() and len(word) > 1)
        if not emphasised:
            yield (
                f"The question turns on “{word}” but does not make it stand out. Ask for what is true "
                f"instead, or write it as **{word.upper()}** (bold capitals) so nobody misreads it.",
                "stem",
            )
            return
    if contracted := CONTRACTED.search(lead):
        yield (
            f"The question turns on “{contracted.group(0)}”, which is easy to miss. Ask for what is true "
            "instead, or write the negative as **NOT**.",
            "stem",
        )


@item_check("stem-word-in-key", "A stem word repeated only in the key")
def stem_word_in_key(q: QuestionData):
    """A word of the stem reappears in the key and in no distractor ("clang association"). NBME (2016)
    ch. 2 lists it among the cues test-wise examinees use; Haladyna et al. (2002) guideline 28c."""
    keys, distractors = _split(q)
    if q.type != "single" or len(keys) != 1 or not distractors:
        return
    stem = {_root(w) for w in _words(q.stem) if len(w) >= 5 and w not in STOPWORDS}
    in_distractors = {_root(w) for d in distractors for w in _words(d)}
    shared = sorted(
        {
            w
            for w in _words(keys[0])
            if _root(w) in stem and _root(w) not in in_distractors and w not in STOPWORDS
        }
    )
    if shared:
        yield (
            f"The stem's word {', '.join(f'“{w}”' for w in shared)} comes back in the correct option "
            "and in no other, which points at the key. Reword the key or use the word in a distractor too.",
            "options",
        )


# Quantities in options: "1 to 2 days", "less than 1 week", "30-80 %", "6 months or more".
UNITS = {
    "minute": ("time", 1 / 1440),
    "hour": ("time", 1 / 24),
    "day": ("time", 1.0),
    "week": ("time", 7.0),
    "month": ("time", 30.0),
    "year": ("time", 365.0),
    "%": ("percent", 1.0),
    "percent": ("percent", 1.0),
}
NUM = r"(\d+(?:[.,]\d+)?)"
UNIT = r"(minutes?|hours?|days?|weeks?|months?|years?|%|percent)?"
ABOUT = r"(?:(?:about|approximately|around|roughly|nearly)\s+)?"
BELOW = re.compile(rf"^(?:less than|fewer than|under|below|up to|at most|within)\s+{ABOUT}{NUM}\s*{UNIT}$")
MORE = r"(?:more than|over|above|at least|longer than|after)"
ABOVE = re.compile(rf"^(?:{MORE}\s+{ABOUT}{NUM}\s*{UNIT}|{NUM}\s*{UNIT}\s+or more)$")
SPAN = re.compile(rf"^(?:between\s+)?{ABOUT}{NUM}\s*{UNIT}\s*(?:-|–|to|and)\s*{NUM}\s*{UNIT}$")
POINT = re.compile(rf"^{ABOUT}{NUM}\s*{UNIT}$")


@dataclass(frozen=True)
class Interval:
    kind: str  # "time", "percent" or "" (a bare number)
    low: float
    high: float
    open_low: bool = False
    open_high: bool = False

    def contains(self, value: float) -> bool:
        above = value > self.low or (value == self.low and not self.open_low)
        below = value < self.high or (value == self.high and not self.open_high)
        return above and below

    def overlaps(self, other: "Interval") -> bool:
        if self.kind != other.kind:
            return False
        low, high = max(self.low, other.low), min(self.high, other.high)
        # Apart, across a stretch, or touching at one value that both include.
        return low < high or (low == high and self.contains(low) and other.contains(low))


def _scale(number: str, unit: str | None) -> tuple[str, float]:
    kind, factor = UNITS.get((unit or "").rstrip("s") if unit not in ("%",) else unit, ("", 1.0))
    return kind, float(number.replace(",", ".")) * factor


def interval(text: str) -> Interval | None:
    """The quantity an option states, as an interval in a common unit (days, %), or None."""
    text = " ".join(text.casefold().strip().rstrip(".").split())
    if m := BELOW.match(text):
        kind, value = _scale(m.group(1), m.group(2))
        return Interval(
            kind, float("-inf"), value, open_high=not text.startswith(("up to", "at most", "within"))
        )
    if m := ABOVE.match(text):
        number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        kind, value = _scale(number, unit)
        return Interval(kind, value, float("inf"), open_low=not ("at least" in text or "or more" in text))
    if m := SPAN.match(text):
        unit_low, unit_high = m.group(2) or m.group(4), m.group(4) or m.group(2)
        (kind, low), (kind_high, high) = _scale(m.group(1), unit_low), _scale(m.group(3), unit_high)
        return Interval(kind, low, high) if kind == kind_high and low <= high else None
    if m := POINT.match(text):
        kind, value = _scale(m.group(1), m.group(2))
        return Interval(kind, value, value)
    return None


@item_check("overlapping-options", "Overlapping options")
def overlapping_options(q: QuestionData):
    """Two options state numbers or ranges that overlap ("1 to 2 days" lies inside "less than 1 week"),
    so both are right or the item has no single best answer. NBME (2016) ch. 2, "numeric data not stated
    consistently" and overlapping options; Haladyna et al. (2002) guideline 24: options must not overlap."""
    if q.type != "single":
        return
    parsed = [(o["text"], interval(o["text"])) for o in _options(q)]
    parsed = [(text, span) for text, span in parsed if span]
    for index, (text, span) in enumerate(parsed):
        for other_text, other in parsed[index + 1 :]:
            if span.overlaps(other):
                yield (
                    f"Options “{text}” and “{other_text}” overlap: an answer that fits one fits the other. "
                    "Make the ranges separate.",
                    "options",
                )
                return


MIN_SINGLE_OPTIONS = 4


@item_check("few-options", "Fewer than 4 options")
def few_options(q: QuestionData):
    """A single-answer item with fewer than 4 options: a blind guess scores one time in three or better.
    NCSBN's NCLEX multiple-choice items have four options; NBME (2016) ch. 3 writes one best answer among
    at least four plausible options."""
    options = _options(q)
    if q.type == "single" and 0 < len(options) < MIN_SINGLE_OPTIONS:
        yield (
            f"Only {len(options)} options: a guess scores one time in {len(options)}. NCLEX items have four; "
            "add plausible distractors (common mistakes).",
            "options",
        )


MIN_BLANK_CHOICES = 3


@item_check("two-choice-blanks", "Drop-down blanks with two choices")
def two_choice_blanks(q: QuestionData):
    """Drop-down (cloze) blanks with only two choices: a guess fills each one half the time, and the wrong
    choice is often ruled out by the sentence itself. NCSBN's Next Generation NCLEX drop-down items offer
    three to five options per blank; NBME (2016) ch. 2: every distractor must be plausible."""
    blanks = q.spec.get("blanks") if q.type == "cloze" else None
    if not isinstance(blanks, list):
        return
    short = [
        n
        for n, b in enumerate(blanks, start=1)
        if isinstance(b, dict) and len(b.get("choices") or ()) < MIN_BLANK_CHOICES
    ]
    if short:
        which = ", ".join(str(n) for n in short)
        yield (
            f"Blank{'s' if len(short) > 1 else ''} {which} offer{'' if len(short) > 1 else 's'} only two "
            f"choices: a guess fills {'each' if len(short) > 1 else 'it'} half the time. Add plausible "
            f"choices (NCLEX drop-downs have {MIN_BLANK_CHOICES} to 5).",
            "blanks",
        )


WIDE_SHARE = 0.2  # a key spread over more than this share of its value is a range, not a value
APPROXIMATE = re.compile(r"\b(about|approximately|around|roughly|nearly)\b", re.I)


@item_check("numeric-range-key", "Numeric item accepts a whole range")
def numeric_range_key(q: QuestionData):
    """A numeric item asks for one number but accepts a whole range (or a tolerance wider than a fifth of
    the value), so a guess in the middle scores; and an item that asks for an approximate value accepts
    it only exactly. NBME (2016) ch. 2: the item should be answerable only by one who knows the fact;
    NCSBN's fill-in-the-blank calculation items accept one value, within a stated rounding."""
    if q.type != "numeric" or not isinstance(q.spec.get("accept"), dict):
        return
    accept = q.spec["accept"]
    if {"min", "max"} <= set(accept):
        low, high = accept["min"], accept["max"]
        middle = (low + high) / 2
        if high - low > WIDE_SHARE * abs(middle):
            yield (
                f"The answer is any number from {low:g} to {high:g}, so a learner who guesses the middle "
                f"({middle:g}) scores. Ask for one value (with a small tolerance), or make it a choice "
                "between ranges.",
                "accept",
            )
        return
    value, tolerance = accept.get("value"), accept.get("tolerance")
    if not isinstance(value, int | float) or not isinstance(tolerance, int | float):
        return
    if value and tolerance > WIDE_SHARE * abs(value):
        yield (
            f"The tolerance (± {tolerance:g}) is wide for a value of {value:g}: a rough guess scores. "
            "Narrow it, or make it a choice between ranges.",
            "accept",
        )
    elif tolerance == 0 and (approximate := APPROXIMATE.search(q.stem)):
        yield (
            f"The stem asks for an approximate value (“{approximate.group(0)}”) but only exactly {value:g} "
            "counts. Give a tolerance that accepts what the source's rounding allows.",
            "accept",
        )


# -- the checks on the whole bank -------------------------------------------------------------------------

# Percent alike (rapidfuzz's ratio of the sorted words, i.e. token sort ratio) from which two items are
# near-duplicates.
DUPLICATE_SCORE = 80
# An item names at most this many of its nearest duplicates: a bank written from one template would
# otherwise say so for every pair.
DUPLICATES_NAMED = 3


def _item_text(q: QuestionData) -> str:
    """What two items must share to test the same thing the same way: the stem and the keyed answer."""
    keys, _ = _split(q)
    answers = q.spec.get("answers") if q.type == "shortanswer" else None
    if isinstance(answers, list):
        keys += [
            a["text"]
            for a in answers
            if isinstance(a, dict) and a.get("correct") and isinstance(a.get("text"), str)
        ]
    # Sorted once here, so comparing with fuzz.ratio is token_sort_ratio without re-sorting every pair
    # (eight times faster on a bank of 1,000).
    return " ".join(sorted(_words(" ".join([q.stem, *keys]))))


def _duplicate_finding(q: QuestionData, other: QuestionData, score: float) -> Finding:
    return Finding(
        check="near-duplicate",
        severity=Severity.WARNING,
        message=f"Nearly the same as question {other.key} ({score:.0f} % alike): a quiz may draw both and "
        "test one fact twice. Merge them, or make each test something else.",
        key=q.key,
        field="stem",
    )


@bank_check("near-duplicate", "Near-duplicate of another item")
def near_duplicates(questions: Sequence[QuestionData]):
    """Two items of the bank say nearly the same (stem and key), so a drawn exam can test one fact twice
    and one item cues the other. NBME (2016) ch. 7 (assembling a test: no "enemy" items that give each
    other away); NCSBN's item review removes overlapping items from a form. Compared all against all by
    rapidfuzz (in C), so a bank of 500 takes a fraction of a second."""
    texts = [_item_text(q) for q in questions]
    for i, text in enumerate(texts):
        # extract's loop runs in C; numpy (which cdist needs) would be a large dependency for this alone
        nearest = process.extract(
            text, texts, scorer=fuzz.ratio, score_cutoff=DUPLICATE_SCORE, limit=DUPLICATES_NAMED + 1
        )
        for _, score, j in [match for match in nearest if match[2] != i][:DUPLICATES_NAMED]:
            yield _duplicate_finding(questions[i], questions[j], score)


def duplicates_of(q: QuestionData, others: Sequence[QuestionData]) -> list[Finding]:
    """`near_duplicates` for one item (a draft in the editor) against the rest of its bank: one pass."""
    texts = [_item_text(other) for other in others]
    return [
        _duplicate_finding(q, others[j], score)
        for _, score, j in process.extract(
            _item_text(q), texts, scorer=fuzz.ratio, score_cutoff=DUPLICATE_SCORE, limit=DUPLICATES_NAMED + 1
        )
        if others[j].key != q.key
    ][:DUPLICATES_NAMED]


SATA_MIN_ITEMS = 5  # bank-level patterns are judged from this many items of a kind


@bank_check("sata-key-pattern", "Select-all items key alike")
def sata_key_pattern(questions: Sequence[QuestionData]):
    """The select-all-that-apply items of the bank key the same number of their options (e.g. most are
    "3 of 5"), or every one keys at least half: learners learn to tick the usual number. NCSBN's SATA
    guidance: anywhere from one to all-but-one option may be right, and the count should vary."""
    shapes = [
        (sum(1 for o in _options(q) if o.get("correct")), len(_options(q)))
        for q in questions
        if q.type == "multiple"
    ]
    if len(shapes) < SATA_MIN_ITEMS:
        return
    (keys, options), count = Counter(shapes).most_common(1)[0]
    if count / len(shapes) >= 0.5:
        yield Finding(
            check="sata-key-pattern",
            severity=Severity.WARNING,
            message=f"{count} of the bank's {len(shapes)} select-all items key {keys} of {options} options. "
            "Vary how many options are right (one to all but one).",
        )
    if all(2 * k >= n for k, n in shapes):
        yield Finding(
            check="sata-key-pattern",
            severity=Severity.WARNING,
            message=f"Every one of the bank's {len(shapes)} select-all items keys at least half its options. "
            "Write some with one or two right options among five or six.",
        )


KEY_POSITION_MIN_ITEMS = 8


@bank_check("key-position-pattern", "Key positions form a pattern")
def key_position_pattern(questions: Sequence[QuestionData]):
    """In the order learners see when a quiz does not shuffle (alphabetical, the neutral order), the key
    of the bank's single-answer items sits in one position far more often than chance. NBME (2016) ch. 2
    and Haladyna et al. (2002) guideline 22: balance the key's position; NCSBN randomises it."""
    positions: dict[int, Counter] = defaultdict(Counter)
    for q in questions:
        options = neutral_order(_options(q))  # what an unshuffled quiz shows, whatever order they came in
        if q.type == "single" and sum(1 for o in options if o.get("correct")) == 1:
            index = next(i for i, o in enumerate(options) if o.get("correct"))
            positions[len(options)][index] += 1
    for size, counts in sorted(positions.items()):
        total = sum(counts.values())
        if total < KEY_POSITION_MIN_ITEMS:
            continue
        index, count = counts.most_common(1)[0]
        if count / total >= max(0.5, 2 / size):
            yield Finding(
                check="key-position-pattern",
                severity=Severity.WARNING,
                message=f"In {count} of the bank's {total} single-answer items with {size} options the key "
                f"is option {'ABCDEFGH'[index]} in alphabetical order (what learners see when a quiz does "
                "not shuffle). Reword some keys or distractors so the key's place varies.",
            )


MIN_ATTEMPTS = 30  # answers before a measured facility says more than chance
# The facility each difficulty label stands for; beyond these the label is probably wrong.
EXPECTED_FACILITY = {"easy": (0.6, 1.0), "medium": (0.3, 0.9), "hard": (0.0, 0.7)}


@dataclass(frozen=True)
class Measured:
    facility: float
    attempts: int


def facility_findings(questions: Sequence[QuestionData], measured: Mapping[str, Measured]) -> list[Finding]:
    """Items whose measured facility (share of the marks learners scored, from the item analysis) is
    far from their difficulty label, once `MIN_ATTEMPTS` answers exist. NBME (2016) ch. 8 (item
    analysis: the p-value shows how hard an item is, and a label should follow the data); NCSBN
    calibrates every item's difficulty from pretest responses before it counts."""
    found = []
    for q in questions:
        stats = measured.get(q.key)
        low_high = EXPECTED_FACILITY.get(q.difficulty)
        if stats is None or low_high is None or stats.attempts < MIN_ATTEMPTS:
            continue
        low, high = low_high
        if not low <= stats.facility <= high:
            better = "easy" if stats.facility > 0.8 else "hard" if stats.facility < 0.4 else "medium"
            found.append(
                Finding(
                    check="facility-vs-label",
                    severity=Severity.WARNING,
                    message=f"Labelled {q.difficulty}, but learners scored {stats.facility:.0%} of its marks "
                    f"over {stats.attempts} answers: it behaves as {better}. Relabel it, or look at why.",
                    key=q.key,
                    field="difficulty",
                )
            )
    return found


_register(
    "facility-vs-label", "Difficulty label far from measured facility", Severity.WARNING, facility_findings
)


# -- running them -----------------------------------------------------------------------------------------


def check_item(q: QuestionData) -> list[Finding]:
    """Every item-level finding about one item, in the order of the checks."""
    global _last_read
    _last_read = (q, q.spec, None)
    found = []
    # The other checks read an image as its alt text, so that a figure's name (a 64-digit hash) does not
    # make an option "the longest" or share words with the stem.
    worded = _in_words(q) if q.type and any(references(t) for _, t in _fields(q)) else q
    for check, function in _ITEM_CHECKS:
        try:
            results = list(function(q if check.id == "image-alt-text" else worded))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # an unfinished draft the check cannot read yet: the editor's own errors say why
        found += [Finding(check.id, check.severity, message, q.key, field) for message, field in results]
    _last_read = (None, None, None)
    return found


def item_warnings(q: QuestionData) -> list[str]:
    """The ids of the item-level checks whose warnings (not advice) the item trips, once each: kept on
    a version when it is saved (QuestionVersion.warnings), so pages that list many questions needing
    review need not run the checks."""
    return sorted({f.check for f in check_item(q) if f.severity == Severity.WARNING})


def check_bank(
    questions: Sequence[QuestionData],
    measured: Mapping[str, Measured] | None = None,
    *,
    bank_level: bool = True,
) -> list[Finding]:
    """Every finding about a bank's items: each item's own, then (unless `bank_level` is off: a huge
    import's preview) the bank-level ones, whose all-pairs comparison grows with the square of the size."""
    found = [finding for q in questions for finding in check_item(q)]
    for _, function in _BANK_CHECKS if bank_level else ():
        found += list(function(questions))
    found += facility_findings(questions, measured or {})
    return found
