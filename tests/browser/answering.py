"""Answering any item type in a real browser, through its own controls, as a learner would."""

from playwright.sync_api import Locator, expect

from quizzes.items.numeric import show


def answer_anything(card: Locator) -> None:
    """Give some answer to whatever item the card shows: the first choice in each group of radio buttons or
    tick boxes, the first choice of each drop-down, "1" or a word typed; an ordering as it is shown."""
    expect(card.locator("fieldset").first).to_be_visible()
    for scope in card.locator("fieldset.answer-part").all() or [card]:
        boxes = scope.locator("input[type=radio], input[type=checkbox]")
        if boxes.count():
            boxes.first.check()
    for select in card.locator("select").all():
        select.select_option(index=1)
    for box in card.locator("input[name=number]").all():
        box.fill("1")
    for box in card.locator("input[name=text]").all():
        box.fill("an answer")


def shown_order(card: Locator) -> list[str]:
    return [box.get_attribute("value") for box in card.locator("input[name=order]").all()]


def put_in_order(card: Locator, order: list[str]) -> None:
    """Move the steps into `order` with their Move up buttons, waiting for each swap."""
    for place, step in enumerate(order):
        for _ in range(shown_order(card).index(step) - place):
            at = shown_order(card).index(step)
            card.locator(f'button[value="up:{step}"]').click()
            expect(card.locator("input[name=order]").nth(at - 1)).to_have_value(step)


def answer_item(card: Locator, version, *, right: bool) -> None:
    """Answer the item of `version` shown in `card`: with full marks, or with less."""
    spec, kind = version.spec, version.item_type
    key = version.item.key_answer(spec)
    if "options" in spec:
        ids = key if right else [next(o["id"] for o in spec["options"] if not o["correct"])]
        for option in ids:
            card.locator(f'input[value="{option}"]').check()
    elif kind == "numeric":
        card.locator("input[name=number]").fill(show(key if right else key + 1000))
    elif kind == "shortanswer":
        card.locator("input[name=text]").fill(key if right else "not the answer")
    elif kind in ("matching", "cloze"):
        prefix, choices = ("match", lambda _: spec["responses"]) if kind == "matching" else ("blank", None)
        for part, wanted in key.items():
            pool = choices(part) if choices else next(b["choices"] for b in spec["blanks"] if b["id"] == part)
            value = wanted if right else next(c["id"] for c in pool if c["id"] != wanted)
            card.locator(f'select[name="{prefix}-{part}"]').select_option(value)
    elif kind == "matrix":
        for row, columns in key.items():
            wrong = [c["id"] for c in spec["columns"] if c["id"] not in columns][:1]
            for column in columns if right else wrong:
                card.locator(f'input[name="row-{row}"][value="{column}"]').check()
    elif kind == "ordering" and right:
        put_in_order(card, key)  # shown as it comes, an ordering is never right
