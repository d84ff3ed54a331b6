from django.contrib import admin

from .models import (
    Assignment,
    Attempt,
    Bank,
    Classroom,
    Membership,
    Question,
    QuestionVersion,
    Quiz,
    Topic,
    WarningDismissal,
)


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "owner", "is_published"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "bank", "position"]
    list_filter = ["bank"]


class VersionInline(admin.TabularInline):
    model = QuestionVersion
    fields = [
        "number",
        "item_type",
        "stem",
        "clinical_judgment",
        "cognitive_level",
        "created_at",
        "created_by",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "bank", "topic", "status"]
    list_filter = ["bank", "topic", "status"]
    search_fields = ["key", "versions__stem"]
    readonly_fields = ["current_version"]
    inlines = [VersionInline]


@admin.register(WarningDismissal)
class WarningDismissalAdmin(admin.ModelAdmin):
    """Who dismissed which item-writing warning on which version, and why: a record, read only."""

    list_display = ["version", "check_id", "dismissed_by", "dismissed_at"]
    list_filter = ["check_id"]
    readonly_fields = ["version", "check_id", "reason", "dismissed_by", "dismissed_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "bank",
        "mode",
        "selection",
        "question_count",
        "time_limit_minutes",
        "attempts_allowed",
        "sequential",
        "opens_at",
        "closes_at",
        "is_published",
    ]
    list_filter = ["bank", "mode", "is_published"]
    filter_horizontal = ["topics", "questions"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["code", "user", "quiz", "started_at", "finished_at", "points", "max_points"]
    list_filter = ["quiz", "mode"]
    readonly_fields = [f.name for f in Attempt._meta.fields]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "join_code", "created_at"]
    search_fields = ["name", "join_code", "owner__username"]
    inlines = [MembershipInline, AssignmentInline]
