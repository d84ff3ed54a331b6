"""Which questions an attempt gets, and in which order."""

import random
from collections.abc import Sequence


def choose(candidates: Sequence[tuple[int, int]], count: int, rng: random.Random) -> list[int]:
    """Pick up to `count` of the (question id, version id) candidates in random order.

    Returns version ids. The candidates are sorted first, so the same seed gives the same pick
    whatever order the database returned them in.
    """
    pool = sorted(candidates)
    picked = rng.sample(pool, min(count, len(pool)))
    return [version_id for _question_id, version_id in picked]
