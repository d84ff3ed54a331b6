"""Which questions an attempt gets, and in which order.

An attempt never tests the same fact twice while it can help it: questions that cite the same passage of
the source first (their main point, see quizzes.sources.facts) test one fact, and a draw takes at most one
question of each. A quiz asking for more questions than its topics have facts (one saved before the quiz
builder counted facts, or whose questions were since retired) still gets its length: every fact once,
then a second question of each fact, and so on, all chosen from the seed.

A draw also spreads: facts are taken from the quiz's topics in turn (a 10-question exam over five topics
gets two of each while each has facts left, rather than what a proportional lottery gives), and of a fact's
questions the one whose clinical-judgment step the draw has used least so far is taken (ties at random), so
that an attempt asks the learner to recognize cues, act and evaluate rather than recall one step ten times.
"""

import random
from collections.abc import Hashable, Mapping, Sequence


def choose(
    candidates: Sequence[tuple[int, int]],
    count: int,
    rng: random.Random,
    *,
    shuffle: bool = True,
    facts: Mapping[int, Hashable] | None = None,
    topics: Mapping[int, Hashable] | None = None,
    steps: Mapping[int, str] | None = None,
) -> list[int]:
    """Pick up to `count` of the (question id, version id) candidates, one question per fact first.

    `facts` maps a question id to the fact it tests (a question missing from it is a fact of its own),
    `topics` to its topic and `steps` to its clinical-judgment step ("" when untagged). Facts are shuffled,
    then taken from each topic in turn (a fact's topic is its first question's); each fact taken gives the
    question whose step is least used so far, ties broken at random. Returns version ids, in random
    order; with `shuffle` off, in the order the candidates came (the caller orders them, e.g. by topic).
    The candidates are sorted first, so the same seed gives the same pick whatever order the database
    returned them in.
    """
    facts, topics, steps = facts or {}, topics or {}, steps or {}
    indexed = sorted(range(len(candidates)), key=lambda i: candidates[i])
    groups: dict[Hashable, list[int]] = {}
    for index in indexed:
        question_id = candidates[index][0]
        groups.setdefault(facts.get(question_id, ("question", question_id)), []).append(index)
    order = list(groups.values())  # in the order of their first question: the same for the same input
    rng.shuffle(order)
    for group in order:
        rng.shuffle(group)
    order = _by_topic_in_turn(order, lambda group: topics.get(candidates[group[0]][0]))
    # Round robin: one question of every fact before a second question of any; within a round, each fact
    # gives its question of the least used step.
    used: dict[str, int] = {}
    picked: list[int] = []
    while len(picked) < count and any(order):
        for group in order:
            if not group or len(picked) == count:
                continue
            best = min(group, key=lambda i: used.get(steps.get(candidates[i][0], ""), 0))
            group.remove(best)
            step = steps.get(candidates[best][0], "")
            used[step] = used.get(step, 0) + 1
            picked.append(best)
    if shuffle:
        rng.shuffle(picked)  # a fallback's repeats are not all left at the end
    else:
        picked.sort()
    return [candidates[index][1] for index in picked]


def _by_topic_in_turn(groups: list[list[int]], topic_of) -> list[list[int]]:
    """The (already shuffled) groups reordered so that topics take turns: the first group of each topic,
    then the second of each, and so on; topics in the order their first group came."""
    by_topic: dict[Hashable, list[list[int]]] = {}
    for group in groups:
        by_topic.setdefault(topic_of(group), []).append(group)
    queues = list(by_topic.values())
    return [queue[r] for r in range(max(map(len, queues), default=0)) for queue in queues if r < len(queue)]
