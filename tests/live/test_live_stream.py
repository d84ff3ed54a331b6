"""The live event stream as the ASGI servers serve it (quizzes.live.stream.asgi_stream, mmnquiz.asgi), and
the Redis pub/sub that carries events between servers."""

import asyncio
import threading

import pytest
import redis

from quizzes.live import broker, stream
from quizzes.live.broker import Event

SESSION = 4242


def scope(token: str, *, query: bytes = b"seen=0", headers=(), method: str = "GET", path: str = "") -> dict:
    return {
        "type": "http",
        "method": method,
        "path": path or f"{stream.PATH}{token}/",
        "query_string": query,
        "headers": list(headers),
    }


class Client:
    """A fake ASGI client: collects what is sent, and disconnects when told to."""

    def __init__(self) -> None:
        self.sent: list[dict] = []
        self.gone = asyncio.Event()

    async def receive(self) -> dict:
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return self.sent[0]["status"]

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent[1:])


async def until(condition, seconds: float = 2.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def run_stream(client: Client, request: dict, during, *, ping: float = 5.0) -> None:
    async def main():
        task = asyncio.create_task(stream.asgi_stream(request, client.receive, client.send, ping=ping))
        await during(client)
        client.gone.set()
        await asyncio.wait_for(task, 2)

    asyncio.run(main())


@pytest.fixture(autouse=True)
def _no_redis(settings):
    settings.LIVE_REDIS_URL = ""
    broker.HUB.last.pop(SESSION, None)
    yield
    broker.HUB.last.pop(SESSION, None)


def test_a_forged_token_is_404_and_a_post_405():
    for request in (scope("forged"), scope(stream.stream_token(SESSION, "learner"), method="POST")):
        client = Client()
        asyncio.run(stream.asgi_stream(request, client.receive, client.send))
        assert client.status in (404, 405)


def test_a_learner_stream_gets_the_sessions_events_and_not_the_projectors():
    token = stream.stream_token(SESSION, "learner")

    async def during(client):
        await until(lambda: broker.HUB.listeners_of(broker.channel(SESSION, "all")))
        broker.publish(SESSION, "host", Event(0, "count", "7"))
        broker.publish(SESSION, "all", Event(5, "stage", "<p>q</p>"))
        await until(lambda: b"<p>q</p>" in client.body)

    client = Client()
    run_stream(client, scope(token), during)
    assert client.status == 200
    assert (b"content-type", b"text/event-stream; charset=utf-8") in client.sent[0]["headers"]
    assert client.body == stream.RETRY + b"id: 5\nevent: stage\ndata: <p>q</p>\n\n"
    assert not broker.HUB.listeners_of(broker.channel(SESSION, "all"))  # let go on disconnect


def test_the_projector_stream_also_gets_counts():
    async def during(client):
        await until(lambda: broker.HUB.listeners_of(broker.channel(SESSION, "host")))
        broker.publish(SESSION, "host", Event(0, "count", "7"))
        await until(lambda: b"count" in client.body)

    client = Client()
    run_stream(client, scope(stream.stream_token(SESSION, "host")), during)
    assert client.body.endswith(b"event: count\ndata: 7\n\n")


def test_a_burst_of_counts_reaches_the_projector_as_a_few_events_ending_with_the_newest():
    """A class answering at once: 300 counts make the first at once, then at most one per COUNT_EVERY."""

    async def during(client):
        await until(lambda: broker.HUB.listeners_of(broker.channel(SESSION, "host")))
        for n in range(1, 301):
            broker.publish(SESSION, "host", Event(0, "count", str(n)))
            if n % 30 == 0:
                await asyncio.sleep(0.01)
        await until(lambda: client.body.endswith(b"data: 300\n\n"))

    client = Client()
    run_stream(client, scope(stream.stream_token(SESSION, "host")), during)
    counts = [int(line[6:]) for line in client.body.decode().splitlines() if line.startswith("data: ")]
    assert counts[0] == 1 and counts[-1] == 300 and len(counts) <= 4
    assert counts == sorted(counts)


def test_the_coalescer_holds_counts_back_and_lets_a_change_of_stage_through_in_order():
    counts = stream.Coalescer(every=0.25)
    one, two, three = (Event(0, "count", str(n)) for n in (1, 2, 3))
    joined = Event(0, "joined", "9")
    stage = Event(4, "stage", "<p>q</p>")
    assert counts.offer(one, now=10.0) == [one]  # the first goes at once
    assert counts.offer(two, now=10.1) == [] and counts.offer(three, now=10.2) == []  # held: the newest
    assert counts.offer(joined, now=10.2) == [joined]  # each kind keeps its own pace
    assert counts.due(10.2) == pytest.approx(0.05)
    assert counts.release(10.2) == [] and counts.release(10.25) == [three]
    assert counts.due(10.3) is None
    assert counts.offer(two, now=10.3) == []
    assert counts.offer(stage, now=10.31) == [two, stage]  # what was held goes before the stage
    assert counts.due(10.31) is None


def test_a_reconnect_behind_the_session_is_told_to_resync_and_one_up_to_date_is_not():
    broker.publish(SESSION, "all", Event(3, "stage", "<p>now</p>"))
    token = stream.stream_token(SESSION, "learner")

    async def nothing(client):
        await until(lambda: client.body)

    behind, current, by_header = Client(), Client(), Client()
    run_stream(behind, scope(token, query=b"seen=1"), nothing)
    run_stream(current, scope(token, query=b"seen=3"), nothing)
    run_stream(by_header, scope(token, query=b"seen=3", headers=[(b"last-event-id", b"2")]), nothing)
    assert behind.body == stream.RETRY + b"event: resync\ndata: \n\n"
    assert current.body == stream.RETRY
    assert by_header.body == stream.RETRY + b"event: resync\ndata: \n\n"  # Last-Event-ID wins


def test_a_quiet_stream_is_kept_open_with_comments():
    async def during(client):
        await until(lambda: b": ping" in client.body)

    client = Client()
    run_stream(client, scope(stream.stream_token(SESSION, "learner")), during, ping=0.02)
    assert b": ping\n\n" in client.body


def test_events_published_from_another_thread_arrive():
    async def during(client):
        await until(lambda: broker.HUB.listeners_of(broker.channel(SESSION, "all")))
        threading.Thread(target=broker.publish, args=(SESSION, "all", Event(9, "stage", "x"))).start()
        await until(lambda: b"id: 9" in client.body)

    run_stream(Client(), scope(stream.stream_token(SESSION, "learner")), during)


def test_the_asgi_application_routes_streams_and_answers_lifespan():
    from mmnquiz.asgi import application

    client = Client()
    asyncio.run(application(scope("x", path="/live/stream/forged/"), client.receive, client.send))
    assert client.status == 404

    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent = []

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message["type"])

    asyncio.run(application({"type": "lifespan"}, receive, send))
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


# -- Redis --------------------------------------------------------------------------------------------------

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def with_redis(settings):
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.LIVE_REDIS_URL = REDIS
    broker._redis_client = None
    yield
    redis.Redis.from_url(REDIS).delete(f"{broker.PREFIX}{SESSION}:last")
    broker._redis_client = None
    broker.RELAY.task = broker.RELAY.loop = None


def pattern_subscribers() -> int:
    return sum(int(c.get("psub", 0)) > 0 for c in redis.Redis.from_url(REDIS).client_list())


def test_streams_connecting_at_once_share_one_redis_subscription(with_redis):
    async def main():
        await asyncio.gather(*(broker.RELAY.ensure() for _ in range(20)))
        first = broker.RELAY.task
        await broker.RELAY.ensure()
        assert broker.RELAY.task is first
        subscribers = pattern_subscribers()
        first.cancel()
        return subscribers

    before = pattern_subscribers()
    assert asyncio.run(main()) == before + 1


def test_redis_carries_events_from_the_publishing_process_to_the_streaming_one(with_redis):
    """The publisher here is another connection, as another app server's would be."""
    broker.publish(SESSION, "all", Event(2, "stage", "<p>before</p>"))
    assert broker.last_stage(SESSION) == Event(2, "stage", "<p>before</p>")

    async def during(client):
        await until(
            lambda: broker.RELAY.task is not None and broker.HUB.listeners_of(broker.channel(SESSION, "all"))
        )
        await asyncio.sleep(0.2)  # the pattern subscription is confirmed
        other_server = redis.Redis.from_url(REDIS)
        other_server.publish(broker.channel(SESSION, "all"), Event(3, "stage", "<p>after</p>").dumps())
        await until(lambda: b"<p>after</p>" in client.body)

    client = Client()
    run_stream(client, scope(stream.stream_token(SESSION, "learner"), query=b"seen=1"), during)
    assert client.body.startswith(stream.RETRY + b"event: resync\n")  # the last stage came from Redis
    assert client.body.endswith(b"id: 3\nevent: stage\ndata: <p>after</p>\n\n")


def test_answers_are_counted_in_redis_and_the_count_published_in_one_step(with_redis):
    """Each first answer adds one in Redis and publishes the new count to the projector's channel, in the
    order counted; a question's count starts again from none when it opens."""
    client = redis.Redis.from_url(REDIS)
    broker.reset_count(SESSION, 1)
    listener = client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(broker.channel(SESSION, "host"), broker.channel(SESSION, "all"))
    listener.get_message(timeout=1)  # subscribed before anything is published
    try:
        assert [broker.count_answer(SESSION, 1) for _ in range(3)] == [1, 2, 3]
        got = []
        for _ in range(50):  # the subscriptions' confirmations come first, and are skipped (None)
            if (message := listener.get_message(timeout=0.1)) is not None:
                got.append((message["channel"].decode(), Event.loads(message["data"])))
            if len(got) == 3:
                break
        assert got == [(broker.channel(SESSION, "host"), Event(0, "count", str(n))) for n in (1, 2, 3)]
        assert 0 < client.ttl(broker.count_key(SESSION, 1)) <= broker.LAST_TTL
        broker.reset_count(SESSION, 1)
        assert broker.count_answer(SESSION, 1) == 1
    finally:
        listener.close()
        client.delete(broker.count_key(SESSION, 1))
