"""Gunicorn's settings for the production profile (`make serve`, and every app server; see the README).

Gunicorn reads this file from the directory it starts in; `make serve` also names it.
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def post_fork(server, worker):
    """A worker gets SIGTERM the moment its master dies, even by SIGKILL or an out-of-memory kill.

    Without this an orphaned worker goes on accepting requests on the shared socket until its next idle
    check (half the worker timeout), outside any supervisor's restart: a new master then starts beside it.
    """
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != server.pid:  # the master died before the line above
        os.kill(os.getpid(), signal.SIGTERM)
