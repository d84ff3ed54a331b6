from django.urls import path

from .views import (
    analysis,
    authoring,
    classes,
    educators,
    history,
    home,
    live,
    media,
    quiz_builder,
    review,
    sources,
    style,
    taking,
    transfer,
)

app_name = "quizzes"

urlpatterns = [
    path("", home.home, name="home"),
    path("style/", style.style_guide, name="style-guide"),  # DEBUG only
    path("mastery/", home.mastery, name="mastery"),
    path("media/<str:name>", media.media_file, name="media-file"),
    path("quizzes/", taking.quiz_list, name="quiz-list"),
    path("quizzes/<int:pk>/", taking.quiz_start, name="quiz-start"),
    path("quizzes/<int:pk>/start/", taking.attempt_start, name="attempt-start"),
    path("attempts/", history.attempt_list, name="attempt-list"),
    path("attempts/history.csv", history.attempt_history_csv, name="attempt-history-csv"),
    path("attempts/<uuid:code>/", taking.attempt_detail, name="attempt-detail"),
    path("attempts/<uuid:code>/items/<int:number>/", taking.attempt_item, name="attempt-item"),
    path("attempts/<uuid:code>/answer/", taking.attempt_answer, name="attempt-answer"),
    path("attempts/<uuid:code>/finish/", taking.attempt_finish, name="attempt-finish"),
    path("attempts/<uuid:code>/leave/", taking.attempt_leave, name="attempt-leave"),
    path("attempts/<uuid:code>/results/", taking.attempt_result, name="attempt-result"),
    path("attempts/<uuid:code>/practice/", taking.attempt_practice, name="attempt-practice"),
    path("review/", review.review_next, name="review-next"),
    path("review/<int:pk>/", review.review_result, name="review-result"),
    path("review/<int:pk>/answer/", review.review_answer, name="review-answer"),
]

# Authoring, for educators only (quizzes.accounts.permissions decides): banks, topics, questions, quizzes,
# promotion.
urlpatterns += [
    path("author/", authoring.bank_list, name="bank-list"),
    path("author/banks/new/", authoring.bank_create, name="bank-create"),
    path("author/banks/<slug:slug>/", authoring.bank_detail, name="bank-detail"),
    path("author/banks/<slug:slug>/edit/", authoring.bank_edit, name="bank-edit"),
    path("author/banks/<slug:slug>/topics/new/", authoring.topic_create, name="topic-create"),
    path("author/topics/<int:pk>/edit/", authoring.topic_edit, name="topic-edit"),
    path("author/topics/<int:pk>/move/", authoring.topic_move, name="topic-move"),
    path("author/topics/<int:pk>/delete/", authoring.topic_delete, name="topic-delete"),
    path("author/banks/<slug:slug>/questions/", authoring.question_list, name="question-list"),
    path("author/banks/<slug:slug>/questions/move/", authoring.question_move, name="question-move"),
    path(
        "author/banks/<slug:slug>/questions/new/<str:item_type>/",
        authoring.question_create,
        name="question-create",
    ),
    path(
        "author/banks/<slug:slug>/questions/preview/<str:item_type>/",
        authoring.question_preview,
        name="question-preview",
    ),
    path("author/questions/<int:pk>/edit/", authoring.question_edit, name="question-edit"),
    path("author/questions/<int:pk>/preview/", authoring.question_edit_preview, name="question-edit-preview"),
    path("author/questions/<int:pk>/dismiss/", authoring.question_dismiss, name="question-dismiss"),
    path("author/questions/<int:pk>/history/", authoring.question_history, name="question-history"),
    path(
        "author/questions/<int:pk>/versions/<int:number>/restore/",
        authoring.question_restore,
        name="question-restore",
    ),
    path("author/questions/<int:pk>/archive/", authoring.question_archive, name="question-archive"),
    path("author/questions/<int:pk>/unarchive/", authoring.question_unarchive, name="question-unarchive"),
    path("author/questions/<int:pk>/delete/", authoring.question_delete, name="question-delete"),
    path("author/banks/<slug:slug>/quizzes/new/", quiz_builder.quiz_create, name="quiz-create"),
    path("author/quizzes/<int:pk>/edit/", quiz_builder.quiz_edit, name="quiz-edit"),
    path("author/quizzes/<int:pk>/delete/", quiz_builder.quiz_delete, name="quiz-delete"),
    path("author/quizzes/<int:pk>/preview/", quiz_builder.quiz_preview, name="quiz-preview"),
    path("author/quizzes/<int:pk>/archive/", quiz_builder.quiz_archive, name="quiz-archive"),
    path("author/quizzes/<int:pk>/unarchive/", quiz_builder.quiz_unarchive, name="quiz-unarchive"),
    path("author/educators/", educators.educator_list, name="educator-list"),
    path("author/educators/<int:pk>/promote/", educators.educator_promote, name="educator-promote"),
]

# Classes: learners join with a code and see their assignments; their educator (quizzes.accounts.permissions
# decides) manages the class, its assignments and gradebook, and analyses the items of their quizzes.
urlpatterns += [
    path("classes/", classes.membership_list, name="membership-list"),
    path("classes/join/", classes.class_join, name="class-join"),
    path("author/classes/", classes.class_list, name="class-list"),
    path("author/classes/new/", classes.class_create, name="class-create"),
    path("author/classes/<int:pk>/", classes.class_detail, name="class-detail"),
    path("author/classes/<int:pk>/code/", classes.class_code, name="class-code"),
    path(
        "author/classes/<int:pk>/members/<int:user_pk>/remove/",
        classes.class_member_remove,
        name="class-member-remove",
    ),
    path("author/classes/<int:pk>/assignments/new/", classes.assignment_create, name="assignment-create"),
    path("author/assignments/<int:pk>/edit/", classes.assignment_edit, name="assignment-edit"),
    path("author/assignments/<int:pk>/delete/", classes.assignment_delete, name="assignment-delete"),
    path(
        "author/assignments/<int:pk>/accommodations/",
        classes.assignment_overrides,
        name="assignment-overrides",
    ),
    path("author/classes/<int:pk>/groups/", classes.class_groups, name="class-groups"),
    path("author/groups/<int:pk>/edit/", classes.group_edit, name="group-edit"),
    path("author/groups/<int:pk>/delete/", classes.group_delete, name="group-delete"),
    path("author/classes/<int:pk>/gradebook/", classes.class_gradebook, name="class-gradebook"),
    path("author/classes/<int:pk>/gradebook.csv", classes.class_gradebook_csv, name="class-gradebook-csv"),
    path("author/quizzes/<int:pk>/analysis/", analysis.quiz_analysis, name="quiz-analysis"),
    path("author/banks/<slug:slug>/analysis/", analysis.bank_analysis, name="bank-analysis"),
    path("author/banks/<slug:slug>/import/", transfer.bank_import, name="bank-import"),
    path("author/banks/<slug:slug>/images/", media.bank_media, name="bank-media"),
    path("author/banks/<slug:slug>/export/<str:fmt>/", transfer.bank_export, name="bank-export"),
]

# Sources: a learner reads a published bank's source; its educator adds, revises and checks coverage.
urlpatterns += [
    path("sources/<int:pk>/", sources.source_read, name="source-read"),
    path("author/banks/<slug:slug>/sources/new/", sources.source_create, name="source-create"),
    path("author/sources/<int:pk>/revise/", sources.source_revise, name="source-revise"),
    path("author/source-versions/<int:pk>/coverage/", sources.source_coverage, name="source-coverage"),
    path(
        "author/source-versions/<int:pk>/passages/<slug:key>/",
        sources.passage_questions,
        name="passage-questions",
    ),
    path("author/questions/<int:pk>/confirm/", sources.question_confirm, name="question-confirm"),
]

# Live sessions: the educator starts and runs one from the projector (quizzes.accounts.access decides: only
# its owner); learners, and guests when the educator allows them, join with its code and answer on their
# phones. The stream path is served by the ASGI servers in production (mmnquiz.asgi).
urlpatterns += [
    path("author/live/new/", live.live_start, name="live-start"),
    path("author/live/<uuid:code>/", live.live_projector, name="live-projector"),
    path("author/live/<uuid:code>/move/", live.live_move, name="live-move"),
    path("author/live/<uuid:code>/summary.csv", live.live_summary_csv, name="live-summary-csv"),
    path("live/", live.live_join, name="live-join"),
    path("live/<uuid:code>/", live.live_play, name="live-play"),
    path("live/<uuid:code>/answer/", live.live_answer, name="live-answer"),
    path("live/stream/<str:token>/", live.live_stream, name="live-stream"),
]
