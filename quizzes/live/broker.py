"""Carrying a live session's events from the server that publishes them to every server streaming them.

An event is (id, name, data): the id is the session's `seq` for changes of stage (0 for counts), the name
what the pages listen for ("stage", "count", "joined"), the data an HTML fragment. Each session has two
channels: `all` (every page following it) and `host` (the projector: counts). The last stage event of each
session is also kept, so that a page connecting late, or again after a dropped connection, starts from
where the session is.

With LIVE_REDIS_URL (or REDIS_URL) set, Redis pub/sub carries the events between processes and a key keeps
the last stage; each streaming process holds one subscription (a pattern over every session) and hands
events out to its own listeners. Without Redis, events stay in the publishing process (tests, one dev
server), handed to listeners there.
"""

import asyncio
import json
import queue
import threading
from dataclasses import dataclass

from django.conf import settings

PREFIX = "mmnquiz:live:"
LAST_TTL = 60 * 60 * 24  # seconds a session's last stage is kept after its last change


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    data: str

    def encode(self) -> bytes:
        """The event as the server-sent events wire format writes it (one `data:` line per line)."""
        lines = [f"id: {self.id}"] if self.id else []
        lines.append(f"event: {self.name}")
        lines += [f"data: {line}" for line in self.data.splitlines() or [""]]
        return ("\n".join(lines) + "\n\n").encode()

    def dumps(self) -> str:
        return json.dumps([self.id, self.name, self.data])

    @classmethod
    def loads(cls, text: str | bytes) -> "Event":
        event_id, name, data = json.loads(text)
        return cls(event_id, name, data)


def channel(session_id: int, audience: str) -> str:
    return f"{PREFIX}{session_id}:{audience}"


class LocalHub:
    """Listeners in this process, by channel: thread queues (a WSGI stream) or asyncio queues (ASGI)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.listeners: dict[str, set] = {}
        self.last: dict[int, Event] = {}

    def add(self, channels: list[str], listener) -> None:
        with self.lock:
            for name in channels:
                self.listeners.setdefault(name, set()).add(listener)

    def remove(self, channels: list[str], listener) -> None:
        with self.lock:
            for name in channels:
                self.listeners.get(name, set()).discard(listener)
                if not self.listeners.get(name, True):
                    del self.listeners[name]

    def deliver(self, name: str, event: Event) -> None:
        with self.lock:
            listeners = list(self.listeners.get(name, ()))
        for listener in listeners:
            listener.put(event)

    def close(self, listener) -> None:
        """End one listener's stream (its browser reconnects, with the id of the last event it had)."""
        listener.put(None)

    def listeners_of(self, name: str) -> list:
        with self.lock:
            return list(self.listeners.get(name, ()))

    def count(self) -> int:
        with self.lock:
            return len({id(x) for group in self.listeners.values() for x in group})


HUB = LocalHub()


class AsyncListener:
    """An asyncio queue that a thread (or a Redis reader task) can put events into."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[Event] = asyncio.Queue()

    def put(self, event: Event) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self.queue.put_nowait(event)
        else:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, event)


class SyncListener:
    def __init__(self) -> None:
        self.queue: queue.Queue[Event] = queue.Queue()

    def put(self, event: Event) -> None:
        self.queue.put(event)


_redis_client = None


def redis_client():
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.LIVE_REDIS_URL)
    return _redis_client


def publish(session_id: int, audience: str, event: Event) -> None:
    """Send the event to every page following the session (`all`) or its projector (`host`); a stage
    event is also kept as the session's last."""
    if settings.LIVE_REDIS_URL:
        client = redis_client()
        if event.name == "stage":
            client.set(f"{PREFIX}{session_id}:last", event.dumps(), ex=LAST_TTL)
        client.publish(channel(session_id, audience), event.dumps())
        return
    if event.name == "stage":
        HUB.last[session_id] = event
    HUB.deliver(channel(session_id, audience), event)


# One more answer to a question: the session's count goes up by one and the projector is told the new count,
# in one step in Redis, so counts go out in the order they were made (each event names the latest count,
# and a stream may skip all but the newest: quizzes.live.stream.Coalescer). No database query per answer.
_COUNT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[1], cjson.encode({0, 'count', tostring(n)}))
return n
"""


def count_key(session_id: int, number: int) -> str:
    return f"{PREFIX}{session_id}:answered:{number}"


def uses_redis() -> bool:
    return bool(settings.LIVE_REDIS_URL)


def count_answer(session_id: int, number: int) -> int:
    """Count one more answer to question `number` and tell the session's projector (Redis only: without
    it the caller counts in the database and publishes). Returns the count."""
    script = redis_client().register_script(_COUNT_SCRIPT)  # run by its hash, once Redis has it
    keys = [count_key(session_id, number)]
    return int(script(keys=keys, args=[channel(session_id, "host"), LAST_TTL]))


def reset_count(session_id: int, number: int) -> None:
    """Start question `number`'s count at none (a key left by an earlier database with the same session
    id must not carry over). Called as the question opens, before anyone has it."""
    if settings.LIVE_REDIS_URL:
        redis_client().delete(count_key(session_id, number))


def last_stage(session_id: int) -> Event | None:
    """The session's last stage event (sync): None when nothing has been published yet."""
    if settings.LIVE_REDIS_URL:
        raw = redis_client().get(f"{PREFIX}{session_id}:last")
        return Event.loads(raw) if raw else None
    return HUB.last.get(session_id)


# -- streaming processes (ASGI): one Redis subscription for every listener in the process ----------------


class RedisRelay:
    """One pattern subscription per process, handing each message to the process's listeners."""

    def __init__(self) -> None:
        self.task: asyncio.Task | None = None
        self.client = None
        self.lock: asyncio.Lock | None = None
        self.loop = None

    async def ensure(self) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # a new event loop (tests run several): start afresh in it
            self.loop, self.lock, self.task = loop, asyncio.Lock(), None
        if self.task is not None and not self.task.done():
            return
        async with self.lock:  # many streams connect at once: one subscription, not one each
            if self.task is None or self.task.done():
                import redis.asyncio as aioredis

                self.client = aioredis.Redis.from_url(settings.LIVE_REDIS_URL)
                pubsub = self.client.pubsub(ignore_subscribe_messages=True)
                await pubsub.psubscribe(f"{PREFIX}*")
                self.task = asyncio.create_task(self._relay(pubsub))

    async def _relay(self, pubsub) -> None:
        async for message in pubsub.listen():
            if message.get("type") == "pmessage":
                name = message["channel"].decode()
                HUB.deliver(name, Event.loads(message["data"]))

    async def last(self, session_id: int) -> Event | None:
        raw = await self.client.get(f"{PREFIX}{session_id}:last")
        return Event.loads(raw) if raw else None


RELAY = RedisRelay()


async def alast_stage(session_id: int) -> Event | None:
    if settings.LIVE_REDIS_URL:
        await RELAY.ensure()
        return await RELAY.last(session_id)
    return HUB.last.get(session_id)


async def asubscribe(channels: list[str]) -> AsyncListener:
    if settings.LIVE_REDIS_URL:
        await RELAY.ensure()
    listener = AsyncListener()
    HUB.add(channels, listener)
    return listener


_thread_relay = None


def _ensure_thread_relay() -> None:
    """For a stream served by a WSGI process while Redis carries the events: one subscription in a thread."""
    global _thread_relay
    if _thread_relay is None:
        pubsub = redis_client().pubsub(ignore_subscribe_messages=True)

        def relay(message) -> None:
            HUB.deliver(message["channel"].decode(), Event.loads(message["data"]))

        pubsub.psubscribe(**{f"{PREFIX}*": relay})
        _thread_relay = pubsub.run_in_thread(sleep_time=1, daemon=True)


def subscribe(channels: list[str]) -> SyncListener:
    """A listener for a stream served by a WSGI process (the dev server, the tests' live server)."""
    if settings.LIVE_REDIS_URL:
        _ensure_thread_relay()
    listener = SyncListener()
    HUB.add(channels, listener)
    return listener


def unsubscribe(channels: list[str], listener) -> None:
    HUB.remove(channels, listener)
