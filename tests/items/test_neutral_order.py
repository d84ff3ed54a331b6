"""Options, choices and responses in a neutral order (issue 15, finding 9).

Authors write the key first, or in a pattern; the shipped bank did (every cloze key first, 7 of 16
select-all items right, wrong, right, wrong, right). So what an item type stores and writes out, and
what a quiz with shuffling off shows, is the neutral order (alphabetical), never the order written.
"""

import importlib
import io
import json
import random
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command

from quizzes.authoring.editing import QuestionDraft, edit_question
from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile
from quizzes.items import get_item_type
from quizzes.items.base import neutral_key, neutral_order, text_of
from quizzes.models import Question, QuestionVersion
from tests.conftest import mmn_without_sources
from tests.items.itemkit import item_url, one_item_bank, start, version_of

SINGLE = {
    "options": [
        {"text": "IVIG", "correct": True, "rationale": "r"},
        {"text": "Corticosteroids", "correct": False, "rationale": "r"},
        {"text": "Plasma exchange", "correct": False, "rationale": "r"},
        {"text": "cyclophosphamide", "correct": False, "rationale": "r"},
    ]
}
MULTIPLE = {
    "options": [
        {"text": "Weakness", "correct": True, "rationale": "r"},
        {"text": "Numbness", "correct": False, "rationale": "r"},
        {"text": "Cramps", "correct": True, "rationale": "r"},
        {"text": "Blurred vision", "correct": False, "rationale": "r"},
    ]
}
CLOZE = {
    "passage": "IVIG is [[1]]; infusions come every [[2]].",
    "blanks": [
        {"choices": ["first-line", "a last resort"], "correct": "first-line", "rationale": "r"},
        {
            "choices": ["2 to 5 weeks", "10 to 12 weeks", "1 week"],
            "correct": "2 to 5 weeks",
            "rationale": "r",
        },
    ],
}
MATCHING = {
    "premises": [
        {"text": "IVIG", "match": "First-line", "rationale": "r"},
        {"text": "Plasma exchange", "match": "Can worsen MMN", "rationale": "r"},
    ],
    "responses": ["First-line", "Can worsen MMN", "Cures MMN"],
}
# Each example written key first, and what its choice lists are in the neutral order.
WRITTEN = {"single": SINGLE, "multiple": MULTIPLE, "cloze": CLOZE, "matching": MATCHING}
NEUTRAL = {
    "single": [["Corticosteroids", "cyclophosphamide", "IVIG", "Plasma exchange"]],
    "multiple": [["Blurred vision", "Cramps", "Numbness", "Weakness"]],
    "cloze": [["a last resort", "first-line"], ["1 week", "2 to 5 weeks", "10 to 12 weeks"]],
    "matching": [["Can worsen MMN", "Cures MMN", "First-line"]],
}


def texts(item_type: str, spec: dict) -> list[list[str]]:
    """The spec's lists a learner chooses from, as texts, in the order they are held."""
    if item_type == "cloze":
        return [[text_of(c) for c in blank["choices"]] for blank in spec["blanks"]]
    if item_type == "matching":
        return [[text_of(r) for r in spec["responses"]]]
    return [[text_of(o) for o in spec["options"]]]


def shown(item_type: str, public) -> list[list[str]]:
    """The lists as a learner is shown them."""
    if item_type == "cloze":
        return [[c.text for c in s.blank.choices] for s in public.segments if s.blank]
    if item_type == "matching":
        return [[r.text for r in public.responses]]
    return [[o.text for o in public.options]]


def test_the_neutral_order_ignores_case_and_reads_numbers_by_value():
    assert neutral_order(["b", "10 g/kg", "A", "2 g/kg", "0.4 g/kg", "a"]) == [
        "0.4 g/kg",
        "2 g/kg",
        "10 g/kg",
        "A",
        "a",
        "b",
    ]
    assert neutral_key("x") == neutral_key("x") and neutral_key(" X") < neutral_key("y")


@pytest.mark.parametrize("item_type", WRITTEN)
def test_stored_and_written_specs_are_in_the_neutral_order_whatever_the_author_wrote(item_type):
    item = get_item_type(item_type)
    spec = item.normalise(WRITTEN[item_type])
    assert texts(item_type, spec) == NEUTRAL[item_type]
    assert texts(item_type, item.content(spec)) == NEUTRAL[item_type]
    # The author's order does not matter: the key goes where the neutral order puts it.
    assert texts(item_type, item.content(WRITTEN[item_type])) == NEUTRAL[item_type]
    assert item.normalise(spec) == spec  # normalising again changes nothing
    assert item.grade(spec, item.key_answer(spec)).is_correct


def test_true_false_keeps_true_then_false_and_matrix_columns_keep_their_order():
    truefalse = get_item_type("truefalse")
    spec = truefalse.normalise(
        {
            "options": [
                {"text": "True", "correct": False, "rationale": "r"},
                {"text": "False", "correct": True, "rationale": "r"},
            ]
        }
    )
    assert [o["text"] for o in spec["options"]] == ["True", "False"]
    assert [o.text for o in truefalse.public_view("", spec, None).options] == ["True", "False"]
    matrix = get_item_type("matrix")
    columns = ["Not expected", "Expected"]  # a scale every row shares: its order is no row's key
    rows = [{"text": f"Row {n}", "correct": ["Expected"], "rationale": "r"} for n in range(2)]
    spec = matrix.normalise({"per_row": "one", "columns": columns, "rows": rows})
    assert [c["text"] for c in spec["columns"]] == columns


def stored_as_written(item_type: str) -> dict:
    """A spec as a version saved before the neutral order holds it: ids, but the order written."""
    item = get_item_type(item_type)
    spec = item.normalise(WRITTEN[item_type])
    by_text = {}
    for values in (
        spec.get("options"),
        spec.get("responses"),
        *(b["choices"] for b in spec.get("blanks", [])),
    ):
        by_text |= {v["text"]: v for v in values or []}
    if item_type == "cloze":
        for blank, written in zip(spec["blanks"], WRITTEN["cloze"]["blanks"], strict=True):
            blank["choices"] = [by_text[text] for text in written["choices"]]
    elif item_type == "matching":
        spec["responses"] = [by_text[text] for text in WRITTEN["matching"]["responses"]]
    else:
        spec["options"] = [by_text[o["text"]] for o in WRITTEN[item_type]["options"]]
    assert texts(item_type, spec) == texts(item_type, WRITTEN[item_type])
    return spec


@pytest.mark.parametrize("item_type", WRITTEN)
def test_shuffling_off_shows_the_neutral_order_even_for_a_version_stored_key_first(item_type):
    item = get_item_type(item_type)
    spec = stored_as_written(item_type)
    assert shown(item_type, item.public_view("", spec, None)) == NEUTRAL[item_type]
    if item_type in ("single", "multiple"):  # the review lists the options in the order shown
        assert [o.text for o in item.review(spec, None, None).options] == NEUTRAL[item_type][0]


@pytest.mark.parametrize("item_type", WRITTEN)
def test_a_seeded_shuffle_starts_from_the_stored_order_so_attempts_under_way_keep_theirs(item_type):
    item = get_item_type(item_type)
    spec = stored_as_written(item_type)
    expected = []
    rng = random.Random("7:2")
    for values in texts(item_type, spec):
        rng.shuffle(values)
        expected.append(values)
    assert shown(item_type, item.public_view("", spec, random.Random("7:2"))) == expected


@pytest.mark.django_db
def test_a_quiz_with_shuffling_off_shows_an_old_key_first_version_in_the_neutral_order(
    learner_client, learner
):
    bank = one_item_bank("single", SINGLE)
    bank.quizzes.update(shuffle_options=False)
    attempt = start(learner, bank)
    version = version_of(attempt)
    QuestionVersion.objects.filter(pk=version.pk).update(spec=stored_as_written("single"))
    html = learner_client.get(item_url(attempt)).content.decode()
    where = [html.index(f">{text}<") for text in NEUTRAL["single"][0]]
    assert where == sorted(where), "options shown out of the neutral order"


# -- the shipped bank ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mmn() -> dict:
    return json.loads(MMN_BANK.read_text(encoding="utf-8"))


def test_the_shipped_bank_file_is_in_the_neutral_order(mmn):
    for q in mmn["questions"]:
        if q["type"] in WRITTEN:
            assert all(values == neutral_order(values) for values in texts(q["type"], q)), q["key"]
    text = MMN_BANK.read_text(encoding="utf-8")
    assert bankfile.dump(bankfile.parse(text)) == text  # so loading and exporting it gives it back


def test_the_shipped_bank_does_not_put_its_keys_in_one_place(mmn):
    questions = mmn["questions"]
    single = Counter(
        [o["correct"] for o in q["options"]].index(True) for q in questions if q["type"] == "single"
    )
    assert set(single) == {0, 1, 2, 3}  # the key is in every place somewhere
    assert single[0] < sum(single.values()) / 2
    patterns = Counter(
        "".join("R" if o["correct"] else "w" for o in q["options"])
        for q in questions
        if q["type"] == "multiple"
    )
    assert patterns.most_common(1)[0][1] <= sum(patterns.values()) / 4
    blanks = [b for q in questions if q["type"] == "cloze" for b in q["blanks"]]
    first = sum(b["choices"][0] == b["correct"] for b in blanks)
    assert 0 < first < len(blanks) * 3 / 4  # was 15 of 15


# -- versions: loading twice, editing, and the hashes of versions saved before -----------------------------


def load(path) -> str:
    out = io.StringIO()
    call_command("loadbank", str(path), stdout=out)
    return out.getvalue()


def key_first(mmn: dict) -> dict:
    """The bank as it was written before: each list with its key (or keys) first."""
    data = json.loads(json.dumps(mmn))
    for q in data["questions"]:
        if q["type"] in ("single", "multiple"):
            q["options"].sort(key=lambda o: not o["correct"])
        elif q["type"] == "cloze":
            for blank in q["blanks"]:
                blank["choices"].sort(key=lambda c, b=blank: c != b["correct"])
    return data


@pytest.mark.django_db
def test_loading_the_bank_twice_or_in_another_order_makes_no_new_versions(tmp_path, mmn):
    old = tmp_path / "mmn-key-first.json"
    old.write_text(json.dumps(key_first(mmn), indent=2), encoding="utf-8")
    load(old)
    versions = QuestionVersion.objects.count()
    assert "0 new versions" in load(MMN_BANK)
    assert "0 new versions" in load(MMN_BANK)
    assert QuestionVersion.objects.count() == versions


@pytest.mark.django_db
def test_reordering_options_in_the_editor_is_not_a_new_version(educator):
    bank = one_item_bank("single", SINGLE)
    question = Question.objects.get(bank=bank)
    draft = QuestionDraft.from_version(question.current_version, question.topic)
    reordered = QuestionDraft(**{**vars(draft), "spec": {"options": draft.spec["options"][::-1]}})
    assert edit_question(question, reordered, author=educator) is None


@pytest.mark.django_db
def test_versions_saved_before_get_the_hash_of_the_neutral_order(tmp_path):
    # An install upgraded from before: its versions' hashes were taken of the lists in the order written,
    # and its bank cited no passages yet (sources came after this migration).
    before = tmp_path / "mmn.json"
    before.write_text(mmn_without_sources(), encoding="utf-8")
    load(before)
    migration = importlib.import_module("quizzes.migrations.0010_items_neutral_order")
    stale = QuestionVersion.objects.filter(item_type__in=migration.NEUTRAL_TYPES)
    shipped = json.loads(MMN_BANK.read_text(encoding="utf-8"))["questions"]
    neutral = sum(q["type"] in migration.NEUTRAL_TYPES for q in shipped)  # single, SATA, cloze, matching
    assert neutral > 0 and stale.update(content_hash="hash-of-the-order-written") == neutral
    migration.rehash(apps, None)
    assert not QuestionVersion.objects.filter(content_hash="hash-of-the-order-written").exists()
    assert "0 new versions" in load(before)
