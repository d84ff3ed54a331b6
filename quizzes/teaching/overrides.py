"""Accommodations: extra time, extra attempts or a later close time on an assignment, for one learner or
for a named group of the class's learners ("Extra time 50 %").

Plain functions without a request. An override is set on an assignment (a quiz handed to a class) and
applies while the learner is in that class; when several apply (their own, their groups', or those of
several of their classes with the quiz assigned), the most generous of each kind counts. The attempt's
deadline is fixed from it at the start (quizzes.taking.attempts.deadline_for), so changing an override
never moves an attempt under way.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q

from ..models import Assignment, ClassGroup, Classroom, Membership, Override, Quiz


@dataclass(frozen=True)
class Accommodation:
    """What applies to one learner at one quiz; the empty one (NONE) changes nothing."""

    extra_time_percent: int = 0
    extra_minutes: int = 0
    extra_attempts: int = 0
    closes_at: datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.extra_time_percent or self.extra_minutes or self.extra_attempts or self.closes_at)

    def time_limit(self, limit: timedelta | None) -> timedelta | None:
        """The quiz's time limit with the extra time: a limit of 30 minutes at 50 % is 45 minutes."""
        if limit is None:
            return None
        return limit * (100 + self.extra_time_percent) / 100 + timedelta(minutes=self.extra_minutes)

    def close(self, quiz: Quiz) -> datetime | None:
        """When the quiz closes for this learner: their own close time, else the quiz's."""
        return self.closes_at or quiz.closes_at

    def attempts_allowed(self, quiz: Quiz) -> int:
        """Attempts allowed, 0 meaning unlimited as on the quiz."""
        return quiz.attempts_allowed + self.extra_attempts if quiz.attempts_allowed else 0

    def phrases(self, *, closes: str = "a close time of your own") -> list[str]:
        """What the learner is given, in words ("50 % extra time", "1 extra attempt"); `closes` names
        a close time of their own."""
        said = []
        if self.extra_time_percent:
            said.append(f"{self.extra_time_percent} % extra time")
        if self.extra_minutes:
            said.append(f"{self.extra_minutes} extra minute{'s' if self.extra_minutes != 1 else ''}")
        if self.extra_attempts:
            said.append(f"{self.extra_attempts} extra attempt{'s' if self.extra_attempts != 1 else ''}")
        if self.closes_at:
            said.append(closes)
        return said


NONE = Accommodation()


def _applying_to(user):
    """The overrides that apply to `user` while they are in the assignment's class: their own, and
    those of the groups of that class they are in."""
    in_class = Q(assignment__classroom__memberships__user=user)
    return Override.objects.filter(in_class & (Q(user=user) | Q(group__members=user)))


def accommodation_for(user, quiz: Quiz) -> Accommodation:
    """The accommodation `user` has at `quiz`, from the overrides on its assignments to classes they are
    still in, their own and their groups' (the most generous of each kind). One query."""
    found = (
        _applying_to(user)
        .filter(assignment__quiz=quiz)
        .aggregate(
            percent=Max("extra_time_percent"),
            minutes=Max("extra_minutes"),
            attempts=Max("extra_attempts"),
            closes=Max("closes_at"),
        )
    )
    return Accommodation(
        found["percent"] or 0, found["minutes"] or 0, found["attempts"] or 0, found["closes"]
    )


def own_close_times(user, assignments) -> dict[int, datetime]:
    """The latest close time of the learner's own, per quiz id, among `assignments` (their own
    overrides' and their groups'). One query."""
    return dict(
        _applying_to(user)
        .filter(assignment__in=assignments, closes_at__isnull=False)
        .values("assignment__quiz_id")
        .annotate(latest=Max("closes_at"))
        .values_list("assignment__quiz_id", "latest")
    )


def most_generous(accommodations) -> Accommodation:
    """One accommodation with the most generous of each kind among `accommodations`."""
    found = list(accommodations)
    closes = [a.closes_at for a in found if a.closes_at]
    return Accommodation(
        max((a.extra_time_percent for a in found), default=0),
        max((a.extra_minutes for a in found), default=0),
        max((a.extra_attempts for a in found), default=0),
        max(closes, default=None),
    )


def of(override: Override) -> Accommodation:
    return Accommodation(
        override.extra_time_percent, override.extra_minutes, override.extra_attempts, override.closes_at
    )


@dataclass(frozen=True)
class Applied:
    """What one learner gets on one assignment, and where it comes from."""

    accommodation: Accommodation
    own: bool  # an override of their own
    groups: tuple[str, ...]  # the names of their groups with one

    @property
    def said(self) -> str:
        """What they get, in words for their educator."""
        return ", ".join(self.accommodation.phrases(closes="a close time of their own"))

    @property
    def combined(self) -> bool:
        """More than one override applies: the learner gets the most generous of each kind."""
        return len(self.groups) + self.own > 1


def in_class(
    classroom: Classroom, assignment: Assignment | None = None, member_ids: set[int] | None = None
) -> dict[tuple[int, int], Applied]:
    """What applies to each learner of `classroom` on each of its assignments (or only `assignment`), by
    (user id, assignment id); learners with nothing are left out. At most three queries (two when the
    caller knows the class's `member_ids`, one without group overrides), whatever the size of the class,
    its groups or its assignments."""
    overrides = Override.objects.filter(assignment__classroom=classroom).select_related("group")
    if assignment is not None:
        overrides = overrides.filter(assignment=assignment)
    overrides = list(overrides)
    group_ids = {o.group_id for o in overrides if o.group_id}
    if member_ids is None:
        member_ids = set(Membership.objects.filter(classroom=classroom).values_list("user_id", flat=True))
    in_group: dict[int, list[int]] = {}
    links = ClassGroup.members.through.objects.filter(classgroup_id__in=group_ids)
    for group_id, user_id in links.values_list("classgroup_id", "user_id"):
        in_group.setdefault(group_id, []).append(user_id)
    found: dict[tuple[int, int], list[tuple[Override, str | None]]] = {}
    for o in overrides:
        for user_id in [o.user_id] if o.user_id else in_group.get(o.group_id, []):
            if user_id in member_ids:
                name = o.group.name if o.group else None
                found.setdefault((user_id, o.assignment_id), []).append((o, name))
    return {
        key: Applied(
            most_generous(of(o) for o, _ in given),
            any(name is None for _, name in given),
            tuple(sorted(name for _, name in given if name is not None)),
        )
        for key, given in found.items()
    }


def set_override(assignment: Assignment, user, **values) -> Override | None:
    """Give the learner these accommodations on the assignment (replacing any they had); all empty
    removes the override. Returns the override kept, or None."""
    return _set(assignment, {"user": user}, values)


def set_group_override(assignment: Assignment, group: ClassGroup, **values) -> Override | None:
    """Give every learner of the group these accommodations on the assignment (replacing the group's);
    all empty removes the group's override. Returns the override kept, or None."""
    if group.classroom_id != assignment.classroom_id:
        raise ValueError("The group is not of the assignment's class.")
    return _set(assignment, {"group": group}, values)


def _set(assignment: Assignment, who: dict, values: dict) -> Override | None:
    if not Accommodation(**values):
        Override.objects.filter(assignment=assignment, **who).delete()
        return None
    override, _ = Override.objects.update_or_create(assignment=assignment, **who, defaults=values)
    return override


# -- groups -----------------------------------------------------------------------------------------------


class GroupNameTaken(Exception):
    pass


def save_group(classroom: Classroom, name: str, member_ids, group: ClassGroup | None = None) -> ClassGroup:
    """Create the class's group `name` (or rename and re-fill `group`) with those of `member_ids` who are
    in the class."""
    others = ClassGroup.objects.filter(classroom=classroom, name=name)
    if others.exclude(pk=getattr(group, "pk", None)).exists():
        raise GroupNameTaken(f"{classroom.name} already has a group called “{name}”.")
    in_class = Membership.objects.filter(classroom=classroom, user_id__in=list(member_ids))
    with transaction.atomic():
        if group is None:
            group = ClassGroup.objects.create(classroom=classroom, name=name)
        else:
            group.name = name
            group.save(update_fields=["name"])
        group.members.set(list(in_class.values_list("user_id", flat=True)))
    return group
