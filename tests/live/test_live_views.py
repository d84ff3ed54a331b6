"""The live session's pages: the educator's start form, projector, moves and CSV; the learner's join,
play and answer pages, with and without htmx; the event stream."""

import pytest
from django.urls import reverse

from quizzes.live import broker, sessions, stream
from quizzes.live.sessions import Phase
from quizzes.models import LiveSession, QuestionVersion, Response
from tests.conftest import without_tokens
from tests.items.itemkit import one_item_bank
from tests.live.conftest import key_of, wrong_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def projector(session):
    return reverse("quizzes:live-projector", args=[session.code])


def move_url(session):
    return reverse("quizzes:live-move", args=[session.code])


def play(session):
    return reverse("quizzes:live-play", args=[session.code])


def answer_url(session):
    return reverse("quizzes:live-answer", args=[session.code])


def version(session, number):
    return QuestionVersion.objects.get(pk=session.version_ids[number - 1])


def form(option_ids, number):
    return {"option": option_ids, "question": str(number)}


# -- the educator ---------------------------------------------------------------------------------------


def test_the_start_form_offers_own_quizzes_and_classes_preselected(educator_client, live_quiz, classroom):
    response = educator_client.get(
        reverse("quizzes:live-start") + f"?quiz={live_quiz.pk}&classroom={classroom.pk}"
    )
    assert response.status_code == 200
    assert f'<option value="{live_quiz.pk}" selected>' in response.text
    assert f'<option value="{classroom.pk}" selected>' in response.text


def test_starting_opens_the_lobby_on_the_projector(educator_client, live_quiz, classroom):
    response = educator_client.post(
        reverse("quizzes:live-start"), {"quiz": live_quiz.pk, "classroom": classroom.pk, "countdown": "30"}
    )
    session = LiveSession.objects.get()
    assert response.url == projector(session)
    assert session.countdown_seconds == 30 and not session.allow_guests and not session.show_leaderboard
    page = educator_client.get(projector(session)).text
    assert session.join_code in page and "<svg" in page and "QR code of the join link" in page
    assert f"/live/?code={session.join_code}" in page
    assert "0</span> joined" in page


def test_another_educators_quiz_cannot_be_started(client, other_educator, live_quiz):
    client.force_login(other_educator)
    response = client.post(reverse("quizzes:live-start"), {"quiz": live_quiz.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not LiveSession.objects.exists()


def test_the_quiz_and_class_pages_link_to_the_start_form(educator_client, live_quiz, classroom):
    start = reverse("quizzes:live-start")
    assert (
        f"{start}?quiz={live_quiz.pk}"
        in educator_client.get(reverse("quizzes:quiz-edit", args=[live_quiz.pk])).text
    )
    assert (
        f"{start}?classroom={classroom.pk}"
        in educator_client.get(reverse("quizzes:class-detail", args=[classroom.pk])).text
    )


def test_the_projector_shows_the_open_question_without_its_key(educator_client, live):
    educator_client.post(move_url(live), {"action": "next"})
    page = without_tokens(educator_client.get(projector(live)).text)
    assert "Question 1 of 10" in page and "Stem of question" in page
    assert "RATIONALE" not in page and "EXPLANATION" not in page and "Correct answer" not in page
    assert "0</span> of 0 answered" in page


def test_reveal_shows_bars_with_numbers_the_key_and_rationales(educator_client, live, learner, other_learner):
    ada, grace = sessions.join(live, learner), sessions.join(live, other_learner)
    educator_client.post(move_url(live), {"action": "next"})
    v = version(live, 1)
    sessions.answer(live, ada, 1, form_data(key_of(v)))
    sessions.answer(live, grace, 1, form_data(wrong_of(v)))
    response = educator_client.post(move_url(live), {"action": "reveal"}, **HTMX)
    page = response.text
    assert response.status_code == 200 and page.lstrip().startswith('<section id="projector-stage"')
    assert "2 of 2 answered, 1 right" in page
    assert "Key:</strong>" in page and "RATIONALE-" in page and "(50%)" in page
    assert "ada" not in page and "grace" not in page  # no names on the projector


def test_a_move_the_session_cannot_make_is_explained(educator_client, live):
    response = educator_client.post(move_url(live), {"action": "reveal"}, follow=True)
    assert "There is no open question to reveal." in response.text
    htmx = educator_client.post(move_url(live), {"action": "reveal"}, **HTMX)
    assert htmx.status_code == 409 and "no open question" in htmx.text


def test_only_the_owner_reaches_the_projector_and_its_moves(client, live, other_educator, learner):
    client.force_login(other_educator)
    assert client.get(projector(live)).status_code == 404
    assert client.post(move_url(live), {"action": "next"}).status_code == 404
    client.force_login(learner)
    assert client.post(move_url(live), {"action": "next"}).status_code == 403
    live.refresh_from_db()
    assert live.phase == Phase.LOBBY


def test_the_summary_and_its_csv(educator_client, live, learner):
    seat = sessions.join(live, learner)
    educator_client.post(move_url(live), {"action": "next"})
    sessions.answer(live, seat, 1, form_data(key_of(version(live, 1))))
    educator_client.post(move_url(live), {"action": "end"})
    page = educator_client.get(projector(live)).text
    assert "Session ended: summary" in page and "1 (100%)" in page and "Leaderboard" not in page
    csv = educator_client.get(reverse("quizzes:live-summary-csv", args=[live.code]))
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("question,stem,answered,correct") and len(lines) == 11
    assert lines[1].split(",")[2:5] == ["1", "1", "100"]


def test_the_leaderboard_shows_when_asked_for(educator_client, educator, live_quiz, learner):
    session = sessions.start_session(educator, live_quiz, show_leaderboard=True)
    sessions.join(session, learner, nickname="Star")
    educator_client.post(move_url(session), {"action": "end"})
    assert "Star: 0 points" in educator_client.get(projector(session)).text


# -- learners -------------------------------------------------------------------------------------------


def form_data(option_ids):
    from tests.conftest import chosen

    return chosen(option_ids)


def test_a_learner_joins_with_the_code_and_waits_in_the_lobby(learner_client, live, learner):
    response = learner_client.post(
        reverse("quizzes:live-join"), {"code": live.join_code.lower(), "nickname": ""}
    )
    assert response.url == play(live)
    page = learner_client.get(play(live)).text
    assert "You're in" in page and 'http-equiv="refresh"' in page and "Check for the next question" in page
    assert live.participants.get().user == learner


def test_a_wrong_code_is_a_form_error(learner_client):
    response = learner_client.post(reverse("quizzes:live-join"), {"code": "ZZZZZZ"})
    assert response.status_code == 200 and "No live session is running with this code" in response.text


def test_the_learner_answers_the_open_question_and_sees_the_verdict_at_reveal(
    learner_client, educator, live, learner
):
    sessions.join(live, learner)
    sessions.move(live, educator, "next")
    page = without_tokens(learner_client.get(play(live)).text)
    assert "Question 1 of 10" in page and 'name="question" value="1"' in page
    assert "RATIONALE" not in page and "EXPLANATION" not in page
    assert 'http-equiv="refresh"' not in page  # never while a question waits for an answer
    v = version(live, 1)
    response = learner_client.post(answer_url(live), {"option": wrong_of(v), "question": "1"})
    assert response.url == play(live)
    waiting = learner_client.get(play(live)).text
    assert "Answer recorded" in waiting and 'http-equiv="refresh"' in waiting and "RATIONALE" not in waiting
    sessions.move(live, educator, "reveal")
    revealed = learner_client.get(play(live)).text
    assert "Incorrect" in revealed and "RATIONALE-" in revealed and "EXPLANATION-" in revealed


def test_a_numeric_question_is_answered_though_its_answer_box_is_called_number(
    learner_client, educator, learner
):
    """The question's number travels as `question`: a numeric item's own field is `number`, and the two
    once collided (every live numeric answer was a 400)."""
    bank = one_item_bank("numeric", {"accept": {"value": 0.6, "tolerance": 0}, "unit": "per 100,000"})
    bank.owner = educator
    bank.save(update_fields=["owner"])
    session = sessions.start_session(educator, bank.quizzes.get(slug="practice"), seed=1)
    sessions.join(session, learner)
    sessions.move(session, educator, "next")
    page = learner_client.get(play(session)).text
    assert 'name="question" value="1"' in page and 'name="number" type="text"' in page
    response = learner_client.post(answer_url(session), {"question": "1", "number": "0,6"}, **HTMX)
    assert response.status_code == 200 and "Answer recorded" in response.text
    assert Response.objects.get().answer == 0.6


def test_an_htmx_answer_comes_back_as_the_stage_and_a_retry_counts_once(
    learner_client, educator, live, learner
):
    sessions.join(live, learner)
    sessions.move(live, educator, "next")
    data = {"option": key_of(version(live, 1)), "question": "1"}
    first = learner_client.post(answer_url(live), data, **HTMX)
    again = learner_client.post(answer_url(live), data, **HTMX)
    assert first.text.lstrip().startswith('<section id="live-stage"') and "Answer recorded" in again.text
    assert Response.objects.count() == 1


def test_an_answer_to_a_question_not_open_is_refused(learner_client, educator, live, learner):
    sessions.join(live, learner)
    sessions.move(live, educator, "next")
    response = learner_client.post(answer_url(live), {"option": ["x"], "question": "2"}, **HTMX)
    assert response.status_code == 409 and "not the one open" in response.text
    follow = learner_client.post(answer_url(live), {"option": ["x"], "question": "2"}, follow=True)
    assert "not the one open" in follow.text
    assert not Response.objects.exists()


def test_an_empty_answer_is_a_form_error_and_a_forged_one_a_400(learner_client, educator, live, learner):
    sessions.join(live, learner)
    sessions.move(live, educator, "next")
    empty = learner_client.post(answer_url(live), {"question": "1"})
    assert empty.status_code == 200 and "Choose an answer" in empty.text
    assert learner_client.post(answer_url(live), {"option": ["forged"], "question": "1"}).status_code == 400
    assert learner_client.post(answer_url(live), {"question": "١"}).status_code == 400


def test_a_learner_not_in_the_session_gets_404(learner_client, live):
    assert learner_client.get(play(live)).status_code == 404
    assert learner_client.post(answer_url(live), {"question": "1"}).status_code == 404


def test_the_ended_session_shows_the_score_and_links_the_results(learner_client, educator, live, learner):
    seat = sessions.join(live, learner)
    sessions.move(live, educator, "next")
    learner_client.post(answer_url(live), {"option": key_of(version(live, 1)), "question": "1"})
    sessions.move(live, educator, "end")
    page = learner_client.get(play(live)).text
    assert f"You scored 1 of {seat.attempt.max_points:g} points" in page
    assert reverse("quizzes:attempt-result", args=[seat.attempt.code]) in page
    assert 'http-equiv="refresh"' not in page
    assert learner_client.get(reverse("quizzes:attempt-result", args=[seat.attempt.code])).status_code == 200


def test_a_live_attempt_cannot_be_answered_through_the_quiz_pages(learner_client, live, learner):
    seat = sessions.join(live, learner)
    item = reverse("quizzes:attempt-item", args=[seat.attempt.code, 1])
    assert learner_client.get(item).status_code == 404


@pytest.mark.parametrize("allow_change", [False, True], ids=["practice-like", "changeable"])
def test_the_attempt_pages_refuse_a_live_answer_open_or_not(
    learner_client, educator, live_quiz, learner, allow_change
):
    """Only the session takes a live attempt's answers, and only to the open question: the exam and
    practice answer path (/attempts/<code>/answer/, finish, leave) is a 404 for it while the session runs,
    for the open question and one not open, and refuses it once the session has ended."""
    session = sessions.start_session(educator, live_quiz, allow_change=allow_change, seed=7)
    attempt = sessions.join(session, learner).attempt
    sessions.move(session, educator, "next")
    code = attempt.code
    for number in (1, 2):  # the open question, and one not open
        data = {"slot": str(number), "option": key_of(version(session, number))}
        assert learner_client.post(reverse("quizzes:attempt-answer", args=[code]), data).status_code == 404
        assert (
            learner_client.post(reverse("quizzes:attempt-answer", args=[code]), data, **HTMX).status_code
            == 404
        )
        flag = {"slot": str(number), "flag": "on"}
        assert learner_client.post(reverse("quizzes:attempt-answer", args=[code]), flag).status_code == 404
    assert learner_client.post(reverse("quizzes:attempt-finish", args=[code])).status_code == 404
    for name in ("attempt-leave", "attempt-detail"):
        assert learner_client.get(reverse(f"quizzes:{name}", args=[code])).status_code == 404
    attempt.refresh_from_db()
    assert not Response.objects.exists() and attempt.finished_at is None
    assert not attempt.slots.filter(flagged=True).exists()

    sessions.move(session, educator, "end")
    data = {"slot": "2", "option": key_of(version(session, 2))}
    late = learner_client.post(reverse("quizzes:attempt-answer", args=[code]), data)
    assert late.status_code in (302, 303, 404) and not Response.objects.exists()


def test_a_guest_joins_with_a_nickname_when_allowed(client, educator, live_quiz):
    session = sessions.start_session(educator, live_quiz, allow_guests=True)
    response = client.post(reverse("quizzes:live-join"), {"code": session.join_code, "nickname": "Owl"})
    assert response.url == play(session)
    again = client.post(reverse("quizzes:live-join"), {"code": session.join_code, "nickname": "Owl"})
    assert again.url == play(session) and session.participants.count() == 1
    sessions.move(session, educator, "next")
    data = {"option": key_of(version(session, 1)), "question": "1"}
    assert client.post(answer_url(session), data).status_code == 302
    stored = Response.objects.get()
    assert stored.points == stored.max_points
    assert "as Owl" in client.get(play(session)).text


def test_a_visitor_cannot_join_a_session_for_signed_in_learners(client, live):
    response = client.post(reverse("quizzes:live-join"), {"code": live.join_code, "nickname": "Owl"})
    assert "log in to join" in response.text and not live.participants.exists()
    assert client.get(play(live)).status_code == 404


# -- the event stream -----------------------------------------------------------------------------------


def test_moves_publish_a_numbered_stage_event(educator_client, live):
    listener = broker.subscribe(stream.channels_for(live.pk, "learner"))
    try:
        educator_client.post(move_url(live), {"action": "next"})
        event = listener.queue.get(timeout=1)
    finally:
        broker.unsubscribe(stream.channels_for(live.pk, "learner"), listener)
    assert (event.id, event.name) == (1, "stage")
    assert 'name="question" value="1"' in event.data and "RATIONALE" not in event.data
    assert "csrfmiddlewaretoken" not in event.data  # the same for every learner


def test_answers_and_joins_publish_counts_to_the_projector_only(learner_client, educator, live, learner):
    host = broker.subscribe(stream.channels_for(live.pk, "host"))
    pupil = broker.subscribe(stream.channels_for(live.pk, "learner"))
    try:
        learner_client.post(reverse("quizzes:live-join"), {"code": live.join_code})
        sessions.move(live, educator, "next")
        learner_client.post(answer_url(live), {"option": key_of(version(live, 1)), "question": "1"})
        events = [host.queue.get(timeout=1) for _ in range(2)]
    finally:
        broker.unsubscribe(stream.channels_for(live.pk, "host"), host)
        broker.unsubscribe(stream.channels_for(live.pk, "learner"), pupil)
    assert [(e.name, e.data) for e in events] == [("joined", "1"), ("count", "1")]
    assert pupil.queue.empty()


def test_only_a_first_answer_is_counted_for_the_projector_not_a_retry_or_a_change(
    learner_client, educator, live_quiz, learner
):
    session = sessions.start_session(educator, live_quiz, allow_change=True, seed=7)
    learner_client.post(reverse("quizzes:live-join"), {"code": session.join_code})
    sessions.move(session, educator, "next")
    host = broker.subscribe(stream.channels_for(session.pk, "host"))
    try:
        first = form(key_of(version(session, 1)), 1)
        for data in (first, first, form(wrong_of(version(session, 1)), 1)):  # an answer, a retry, a change
            assert learner_client.post(answer_url(session), data, **HTMX).status_code == 200
        events = []
        while not host.queue.empty():
            events.append(host.queue.get_nowait())
    finally:
        broker.unsubscribe(stream.channels_for(session.pk, "host"), host)
    assert [(e.name, e.data) for e in events] == [("count", "1")]
    assert Response.objects.get().answer == wrong_of(version(session, 1))


def test_the_stream_resyncs_a_page_that_missed_a_change(live):
    broker.publish(live.pk, "all", broker.Event(3, "stage", "<p>x</p>"))
    events = stream.sync_stream(live.pk, "learner", seen=2, ping=0.01)
    assert next(events) == stream.RETRY
    assert next(events) == b"event: resync\ndata: \n\n"
    assert next(events) == b": ping\n\n"
    events.close()
    current = stream.sync_stream(live.pk, "learner", seen=3, ping=0.01)
    assert [next(current), next(current)] == [stream.RETRY, b": ping\n\n"]
    current.close()


def test_the_stream_view_needs_a_valid_token(client, live):
    assert client.get(reverse("quizzes:live-stream", args=["forged"])).status_code == 404
    token = stream.stream_token(live.pk, "learner")
    response = client.get(reverse("quizzes:live-stream", args=[token]) + "?seen=0")
    assert response["Content-Type"].startswith("text/event-stream")
    assert next(iter(response.streaming_content)) == stream.RETRY
    response.close()


def test_an_event_is_written_in_the_wire_format():
    event = broker.Event(4, "stage", "<p>a</p>\n<p>b</p>")
    assert event.encode() == b"id: 4\nevent: stage\ndata: <p>a</p>\ndata: <p>b</p>\n\n"
    assert broker.Event.loads(event.dumps()) == event


def test_an_answer_costs_a_fixed_handful_of_queries_however_many_have_answered(
    client, educator, live_quiz, learner, other_learner, django_assert_num_queries, settings
):
    """The class answers at once: the answer path reads the seat with its session and attempt (one query),
    stores the answer, and counts it in Redis (no count query)."""
    import redis as redis_lib

    url = "redis://127.0.0.1:6379/15"
    try:
        redis_lib.Redis.from_url(url).ping()
    except redis_lib.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.LIVE_REDIS_URL = url
    broker._redis_client = None
    session = sessions.start_session(educator, live_quiz, seed=7)
    for who in (other_learner, learner):
        sessions.join(session, who)
    sessions.move(session, educator, "next")
    try:
        broker.reset_count(session.pk, 1)
        sessions.answer(session, other_learner.live_seats.get(), 1, form_data(key_of(version(session, 1))))
        client.force_login(learner)
        data = form(key_of(version(session, 1)), 1)
        # the seat (with session and attempt; the browser session and the user come from the cache); a
        # transaction (a savepoint in tests) locking the slot's attempt and storing the response. No count, no
        # second read of the session.
        with django_assert_num_queries(5) as queries:
            response = client.post(answer_url(session), data, **HTMX)
        assert response.status_code == 200 and "Answer recorded" in response.text
        assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)
        assert redis_lib.Redis.from_url(url).get(broker.count_key(session.pk, 1)) == b"1"
    finally:
        redis_lib.Redis.from_url(url).delete(
            broker.count_key(session.pk, 1), f"{broker.PREFIX}{session.pk}:last"
        )
        broker._redis_client = None
