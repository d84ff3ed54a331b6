"""Classes: an educator's classes, their join codes, learners, assignments and gradebook; a learner's classes.

Educator views are `educator_required` and reach a class or assignment through quizzes.accounts.permissions
(another educator's class is a 404). Learners see only the classes they joined, and only their own
results in them. Every form works by plain POST-redirect-GET; htmx sorts the gradebook without a reload.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from quizzes.accounts.permissions import (
    SESSION_KEY,
    classes_for,
    educator_required,
    get_assignment_for,
    get_class_for,
    get_group_for,
    quizzes_for,
)
from quizzes.learning import charts
from quizzes.models import Classroom, Membership, Override
from quizzes.teaching import classes, gradebook, overrides
from quizzes.teaching.forms import (
    AssignmentForm,
    ClassroomForm,
    DueDateForm,
    GradebookForm,
    GroupForm,
    GroupOverrideForm,
    JoinForm,
    OverrideForm,
)
from quizzes.views.taking import HtmxHttpRequest

# -- the educator's classes -------------------------------------------------------------------------------


@require_GET
@educator_required
def class_list(request: HtmxHttpRequest) -> HttpResponse:
    taught = classes_for(request.user).annotate(
        member_count=Count("memberships", distinct=True), assignment_count=Count("assignments", distinct=True)
    )
    return render(request, "quizzes/class_list.html", {"classes": taught.order_by("name", "pk")})


@require_http_methods(["GET", "POST"])
@educator_required
def class_create(request: HtmxHttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        classroom = classes.create_classroom(request.user, form.cleaned_data["name"])
        messages.success(
            request, f"Class “{classroom.name}” created. Its join code is {classroom.join_code}."
        )
        return redirect("quizzes:class-detail", pk=classroom.pk)
    return render(request, "quizzes/class_form.html", {"form": form})


def _detail(
    request: HtmxHttpRequest, classroom: Classroom, form: AssignmentForm | None = None
) -> HttpResponse:
    join_url = request.build_absolute_uri(reverse("quizzes:class-join") + f"?code={classroom.join_code}")
    context = {
        "classroom": classroom,
        "join_url": join_url,
        "members": classroom.memberships.select_related("user").order_by("user__username"),
        "assignments": classroom.assignments.select_related("quiz__bank").order_by("assigned_at", "pk"),
        "form": form or AssignmentForm(classroom=classroom, quizzes=quizzes_for(request.user)),
    }
    return render(request, "quizzes/class_detail.html", context)


@require_GET
@educator_required
def class_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_class_for(request.user, pk))


@require_POST
@educator_required
def class_code(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A new join code: the old one, and links made with it, stop working."""
    classroom = get_class_for(request.user, pk)
    code = classes.regenerate_code(classroom)
    messages.success(
        request, f"New join code: {code}. The old code no longer works; learners already in stay."
    )
    return redirect("quizzes:class-detail", pk=classroom.pk)


@require_POST
@educator_required
def class_member_remove(request: HtmxHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    classroom = get_class_for(request.user, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), classroom=classroom, user_id=user_pk
    )
    classes.remove_member(classroom, membership.user_id)
    messages.success(
        request,
        f"{membership.user.get_username()} is no longer in {classroom.name}. "
        "They can join again with the join code.",
    )
    return redirect("quizzes:class-detail", pk=classroom.pk)


# -- assignments ------------------------------------------------------------------------------------------


@require_POST
@educator_required
def assignment_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = get_class_for(request.user, pk)
    form = AssignmentForm(request.POST, classroom=classroom, quizzes=quizzes_for(request.user))
    if not form.is_valid():
        return _detail(request, classroom, form)
    try:
        assignment = classes.assign(classroom, form.cleaned_data["quiz"], form.cleaned_data["due_at"])
    except classes.AlreadyAssigned as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{assignment.quiz.title}” assigned to {classroom.name}.")
    return redirect("quizzes:class-detail", pk=classroom.pk)


@require_http_methods(["GET", "POST"])
@educator_required
def assignment_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for(request.user, pk)
    form = DueDateForm(request.POST if request.method == "POST" else None, instance=assignment)
    if form.is_valid():
        form.save()
        messages.success(request, f"Due date of “{assignment.quiz.title}” saved.")
        return redirect("quizzes:class-detail", pk=assignment.classroom_id)
    context = {"form": form, "assignment": assignment, "classroom": assignment.classroom}
    return render(request, "quizzes/assignment_form.html", context)


@require_http_methods(["GET", "POST"])
@educator_required
def assignment_overrides(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Accommodations on an assignment, per learner of its class or per group of them: set (or replace)
    a learner's or a group's, or take them away (`remove`, a learner's id; `remove_group`, a group's)."""
    assignment = get_assignment_for(request.user, pk)
    classroom = assignment.classroom
    members = list(classroom.members.order_by("username"))
    groups = list(classroom.groups.order_by("name", "pk"))
    back = redirect("quizzes:assignment-overrides", pk=assignment.pk)
    if request.method == "POST" and ("remove" in request.POST or "remove_group" in request.POST):
        # Only a learner or a group of the class, named by id; anything else matches nothing.
        chosen = [m.pk for m in members if str(m.pk) == request.POST.get("remove")]
        chosen_groups = [g.pk for g in groups if str(g.pk) == request.POST.get("remove_group")]
        removed, _ = Override.objects.filter(
            Q(user_id__in=chosen) | Q(group_id__in=chosen_groups), assignment=assignment
        ).delete()
        if removed:
            messages.success(request, "Accommodations removed.")
        return back
    posted = request.POST if request.method == "POST" else None
    for_group = posted is not None and "group-group" in posted
    form = OverrideForm(None if for_group else posted, assignment=assignment, members=members)
    group_form = GroupOverrideForm(posted if for_group else None, assignment=assignment, groups=groups)
    if form.is_valid():
        learner = next(m for m in members if m.pk == form.cleaned_data["learner"])
        kept = overrides.set_override(assignment, learner, **form.values())
        said = "saved" if kept else "cleared (none were given)"
        messages.success(request, f"Accommodations of {learner.get_username()} {said}.")
        return back
    if group_form.is_valid():
        group = next(g for g in groups if g.pk == group_form.cleaned_data["group"])
        kept = overrides.set_group_override(assignment, group, **group_form.values())
        said = "saved" if kept else "cleared (none were given)"
        messages.success(request, f"Accommodations of the group “{group.name}” {said}.")
        return back
    given = list(
        assignment.overrides.select_related("user", "group")
        .prefetch_related("group__members")
        .order_by("group__name", "user__username")  # learners' own: no group name, so by username
    )
    applied = overrides.in_class(classroom, assignment)
    by_name = {m.pk: m.get_username() for m in members}
    context = {
        "form": form,
        "group_form": group_form,
        "assignment": assignment,
        "classroom": classroom,
        "overrides": [o for o in given if o.user_id],
        "group_overrides": [o for o in given if o.group_id],
        "groups": groups,
        # Learners with more than one override here: what they get, the most generous of each kind.
        "combined": sorted(
            ((by_name.get(user_id, ""), a) for (user_id, _), a in applied.items() if a.combined),
            key=lambda pair: pair[0],
        ),
    }
    return render(request, "quizzes/assignment_overrides.html", context)


# -- groups of a class, for accommodations ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@educator_required
def class_groups(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A class's groups (each a name and some of its learners) and a form to make another."""
    classroom = get_class_for(request.user, pk)
    members = list(classroom.members.order_by("username"))
    form = GroupForm(request.POST if request.method == "POST" else None, members=members)
    if form.is_valid():
        try:
            group = overrides.save_group(classroom, form.cleaned_data["name"], form.cleaned_data["members"])
        except overrides.GroupNameTaken as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"Group “{group.name}” saved with {group.members.count()} learners.")
            return redirect("quizzes:class-groups", pk=classroom.pk)
    context = {
        "classroom": classroom,
        "form": form,
        "groups": classroom.groups.prefetch_related("members").order_by("name", "pk"),
    }
    return render(request, "quizzes/class_groups.html", context)


@require_http_methods(["GET", "POST"])
@educator_required
def group_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Rename a group and choose its learners."""
    group = get_group_for(request.user, pk)
    classroom = group.classroom
    members = list(classroom.members.order_by("username"))
    initial = {"name": group.name, "members": list(group.members.values_list("pk", flat=True))}
    form = GroupForm(request.POST if request.method == "POST" else None, members=members, initial=initial)
    if form.is_valid():
        try:
            overrides.save_group(classroom, form.cleaned_data["name"], form.cleaned_data["members"], group)
        except overrides.GroupNameTaken as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"Group “{group.name}” saved.")
            return redirect("quizzes:class-groups", pk=classroom.pk)
    return render(request, "quizzes/group_form.html", {"classroom": classroom, "group": group, "form": form})


@require_POST
@educator_required
def group_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    group.delete()
    messages.success(request, f"Group “{group.name}” deleted, with its accommodations.")
    return redirect("quizzes:class-groups", pk=group.classroom_id)


@require_POST
@educator_required
def assignment_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for(request.user, pk)
    assignment.delete()
    messages.success(
        request,
        f"“{assignment.quiz.title}” is no longer assigned to {assignment.classroom.name}. "
        "Attempts already made are kept.",
    )
    return redirect("quizzes:class-detail", pk=assignment.classroom_id)


# -- the gradebook ----------------------------------------------------------------------------------------


def _gradebook(request: HtmxHttpRequest, classroom: Classroom):
    form = GradebookForm(request.GET)
    pick = form.pick()
    book = gradebook.build(classroom, pick=pick, now=timezone.now())
    sort, descending = form.sorting(gradebook.sort_keys(book))
    return book, pick, sort, descending, gradebook.sort_rows(book, sort, descending=descending)


def _columns(book: gradebook.Gradebook, sort: str, descending: bool) -> list[dict]:
    """Each column header: its label, its sort state (for aria-sort), the direction a click asks for."""
    labels = [
        (gradebook.SORT_LEARNER, "Learner", None),
        *((f"q{a.pk}", a.quiz.title, a) for a in book.assignments),
        (gradebook.SORT_AVERAGE, "Average", None),
    ]
    columns = []
    for key, label, assignment in labels:
        current = "descending" if key == sort and descending else "ascending" if key == sort else None
        columns.append(
            {
                "key": key,
                "label": label,
                "assignment": assignment,
                "aria_sort": current,
                "next": "desc" if current == "ascending" else "asc",
            }
        )
    return columns


@require_GET
@educator_required
@vary_on_headers("HX-Request")
def class_gradebook(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = get_class_for(request.user, pk)
    book, pick, sort, descending, rows = _gradebook(request, classroom)
    context = {
        "classroom": classroom,
        "book": book,
        "rows": rows,
        "columns": _columns(book, sort, descending),
        "pick": pick,
        "picks": gradebook.PICK_LABELS,
        "quiz_averages": book.quiz_averages,
        "distribution": charts.distribution([r.average for r in rows if r.average is not None]),
    }
    template = "quizzes/class_gradebook.html"
    return render(request, template + "#gradebook" if request.htmx else template, context)


@require_GET
@educator_required
def class_gradebook_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The gradebook as shown (the same score and order), one row per learner, and the quiz averages."""
    classroom = get_class_for(request.user, pk)
    book, _pick, _sort, _descending, rows = _gradebook(request, classroom)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"gradebook-{slugify(classroom.name) or classroom.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response).writerows(gradebook.csv_rows(book, rows))
    return response


# -- the learner's classes --------------------------------------------------------------------------------


@require_GET
@login_required
def membership_list(request: HtmxHttpRequest) -> HttpResponse:
    context = {
        "classes": classes.learner_classes(request.user, timezone.now()),
        "form": JoinForm(),
        "teaches": request.session.get(SESSION_KEY, False),
    }
    return render(request, "quizzes/membership_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def class_join(request: HtmxHttpRequest) -> HttpResponse:
    """Join with a code: typed in, or from a join link (?code=…), which asks before joining.

    Wrong codes are counted per user: after too many in an hour, codes are not looked up at all.
    """
    data = request.POST if request.method == "POST" else request.GET if "code" in request.GET else None
    if data is not None and classes.join_blocked(request.user):
        context = {"form": JoinForm(), "blocked": True}
        return render(request, "quizzes/class_join.html", context, status=429)
    form = JoinForm(data)
    if form.is_bound and not form.is_valid() and "code" in form.errors and data.get("code", "").strip():
        classes.note_wrong_code(request.user)
    if request.method == "POST" and form.is_valid():
        classroom = form.cleaned_data["code"]
        try:
            created = classes.join(request.user, classroom)
        except classes.JoinError as exc:
            form.add_error("code", str(exc))
        else:
            if created:
                messages.success(request, f"You joined {classroom.name}. Its assignments are below.")
            else:
                messages.info(request, f"You are already in {classroom.name}.")
            return redirect("quizzes:membership-list")
    found = form.cleaned_data["code"] if form.is_bound and form.is_valid() else None
    return render(request, "quizzes/class_join.html", {"form": form, "classroom": found})
