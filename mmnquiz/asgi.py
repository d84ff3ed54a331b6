"""The ASGI entry point: live sessions' event streams (quizzes.live.stream), and every other page too.

In production the load balancer sends only /live/stream/ here (README, Deploying); the WSGI servers
serve the rest. Serving everything from one ASGI process also works, e.g. for a single-process trial.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mmnquiz.settings")
django_application = get_asgi_application()

from quizzes.live.stream import PATH, asgi_stream  # noqa: E402 - needs the settings loaded above


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith(PATH):
        return await asgi_stream(scope, receive, send)
    if scope["type"] == "lifespan":  # nothing to set up or tear down; say so rather than fail
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    return await django_application(scope, receive, send)
