"""The live session's server-sent event stream: who may follow which session, and the stream itself.

A page following a session gets a signed stream address (`stream_token`) naming the session and its role
(`host`: the projector, which also gets answer counts; `learner`). The stream starts with a `retry` hint;
then, if the session changed since the page was drawn (`seen`, its seq then), a `resync` event (the page
fetches its own state: how a dropped connection, a phone woken from sleep or a reloaded projector rejoins
where the session is); then every event published for the session, and a comment every PING seconds so
that proxies keep the connection open and a vanished client is noticed.

`asgi_stream` serves it in an ASGI server (thousands of connections, one coroutine each); `sync_stream`
is the same for a WSGI process (the dev server and the tests), one thread per connection.
"""

import asyncio
import queue
import time
from collections.abc import Iterator
from urllib.parse import parse_qs

from django.core import signing

from . import broker
from .broker import Event

SALT = "mmnquiz.live.stream"
ROLES = ("host", "learner")
MAX_AGE = 60 * 60 * 24  # seconds a stream address stays valid
PING = 15.0
PATH = "/live/stream/"
RETRY = b"retry: 2000\n\n"
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    # nginx and other proxies must pass each event on at once, not buffer the response.
    (b"x-accel-buffering", b"no"),
]


def stream_token(session_id: int, role: str) -> str:
    return signing.dumps([session_id, role], salt=SALT, compress=False)


def read_token(token: str) -> tuple[int, str] | None:
    """(session id, role) from a stream address's token; None when it is forged, damaged or too old."""
    try:
        session_id, role = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(session_id, int) or role not in ROLES:
        return None
    return session_id, role


def read_seen(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else -1


def seen_of(last_event_id: str | None, query_seen: str) -> int:
    """The last change the page has: the browser's Last-Event-ID when it reconnects by itself, else the
    `seen` the page was drawn with (a new connection, e.g. after the SSE extension gave up on an error)."""
    return read_seen(last_event_id) if last_event_id else read_seen(query_seen)


def channels_for(session_id: int, role: str) -> list[str]:
    audiences = ["all", "host"] if role == "host" else ["all"]
    return [broker.channel(session_id, a) for a in audiences]


def resync_needed(last: Event | None, seen: int) -> bool:
    return last is not None and last.id != seen


RESYNC = Event(0, "resync", "")

COUNT_EVERY = 0.1  # seconds: a stream sends at most one answer count (and one join count) this often;
# the last count of a class answering at once reaches the projector at most this late
COALESCED = ("count", "joined")  # events that each say a whole number: only the newest matters


class Coalescer:
    """Holds back counts so that a stream sends at most one of each kind per COUNT_EVERY, the newest:
    a class answering within a second makes a handful of events for the projector, not one per answer.
    The first count after a quiet spell goes at once; one arriving sooner waits (`due`) and is replaced
    by any newer one. A change of stage sends what is held first, so events keep their order."""

    def __init__(self, every: float = COUNT_EVERY) -> None:
        self.every = every
        self.held: dict[str, Event] = {}
        self.next_at: dict[str, float] = {}

    def offer(self, event: Event, now: float) -> list[Event]:
        """What to send now that `event` has arrived."""
        if event.name not in COALESCED:
            return [*self.flush(), event]
        if now >= self.next_at.get(event.name, 0.0):
            self.held.pop(event.name, None)
            self.next_at[event.name] = now + self.every
            return [event]
        self.held[event.name] = event
        return []

    def due(self, now: float) -> float | None:
        """Seconds until a held count is to go (0 if it is late), or None when nothing is held."""
        if not self.held:
            return None
        return max(0.0, min(self.next_at[name] for name in self.held) - now)

    def release(self, now: float) -> list[Event]:
        """The held counts whose time has come."""
        out = []
        for name in [n for n in self.held if self.next_at[n] <= now]:
            out.append(self.held.pop(name))
            self.next_at[name] = now + self.every
        return out

    def flush(self) -> list[Event]:
        out, self.held = list(self.held.values()), {}
        return out


def sync_stream(
    session_id: int, role: str, seen: int, *, ping: float = PING, lifetime: float = 3600.0
) -> Iterator[bytes]:
    """The stream from a WSGI process, ended after `lifetime` seconds so that a thread is never held for
    good (the browser reconnects with Last-Event-ID)."""
    import time

    ends = time.monotonic() + lifetime
    channels = channels_for(session_id, role)
    listener = broker.subscribe(channels)
    try:
        yield RETRY
        if resync_needed(broker.last_stage(session_id), seen):
            yield RESYNC.encode()
        while (left := ends - time.monotonic()) > 0:
            try:
                event = listener.queue.get(timeout=min(ping, left))
            except queue.Empty:
                yield b": ping\n\n"
                continue
            if event is None:  # the hub closed this stream: the browser reconnects with Last-Event-ID
                return
            yield event.encode()
    finally:
        broker.unsubscribe(channels, listener)


async def _refuse(send, status: int, message: bytes) -> None:
    await send(
        {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]}
    )
    await send({"type": "http.response.body", "body": message})


async def _disconnected(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def asgi_stream(scope, receive, send, *, ping: float = PING) -> None:
    """The stream as a raw ASGI app (no Django request: the signed token is all it needs)."""
    if scope["method"] != "GET":
        return await _refuse(send, 405, b"Streams are read with GET.")
    token = scope["path"][len(PATH) :].strip("/")
    found = read_token(token)
    if found is None:
        return await _refuse(send, 404, b"No such stream.")
    session_id, role = found
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    headers = dict(scope.get("headers") or [])
    last_id = headers.get(b"last-event-id", b"").decode("latin-1")
    seen = seen_of(last_id, (query.get("seen") or [""])[0])
    channels = channels_for(session_id, role)
    listener = await broker.asubscribe(channels)
    gone = asyncio.ensure_future(_disconnected(receive))
    try:
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        first = RETRY
        if resync_needed(await broker.alast_stage(session_id), seen):
            first += RESYNC.encode()
        await send({"type": "http.response.body", "body": first, "more_body": True})
        counts = Coalescer()
        while not gone.done():
            getting = asyncio.ensure_future(listener.queue.get())
            due = counts.due(time.monotonic())
            wait = ping if due is None else min(ping, due)
            done, _ = await asyncio.wait({getting, gone}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            out: list[Event] = []
            ended = False
            if getting in done:
                event = getting.result()
                while True:  # a burst goes out in one write
                    if event is None:  # the hub closed this stream: the browser reconnects (Last-Event-ID)
                        ended = True
                        break
                    out += counts.offer(event, time.monotonic())
                    if listener.queue.empty():
                        break
                    event = listener.queue.get_nowait()
            else:
                getting.cancel()
                if gone.done():
                    break
            out += counts.flush() if ended else counts.release(time.monotonic())
            if out:
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"".join(e.encode() for e in out),
                        "more_body": True,
                    }
                )
            elif getting not in done and due is None:
                await send({"type": "http.response.body", "body": b": ping\n\n", "more_body": True})
            if ended:
                break
    except OSError:
        pass  # the client went away mid-write
    finally:
        gone.cancel()
        broker.unsubscribe(channels, listener)
