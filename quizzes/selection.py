"""Which questions an attempt gets, and in which order."""

import random
from collections.abc import Sequence


def choose(
    candidates: Sequence[tuple[int, int]], count: int, rng: random.Random, *, shuffle: bool = True
) -> list[int]:
    """Pick up to `count` of the (question id, version id) candidates.

    Returns version ids, in random order; with `shuffle` off, in the order the candidates came (the
    caller orders them, e.g. by topic). Shuffled candidates are sorted first, so the same seed gives
    the same pick whatever order the database returned them in.
    """
    if not shuffle:
        kept = sorted(rng.sample(range(len(candidates)), min(count, len(candidates))))
        return [candidates[index][1] for index in kept]
    pool = sorted(candidates)
    picked = rng.sample(pool, min(count, len(pool)))
    return [version_id for _question_id, version_id in picked]
