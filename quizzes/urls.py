from django.urls import path

from .views import history, taking

app_name = "quizzes"

urlpatterns = [
    path("", taking.quiz_list, name="quiz-list"),
    path("quizzes/<int:pk>/start/", taking.attempt_start, name="attempt-start"),
    path("attempts/", history.attempt_list, name="attempt-list"),
    path("attempts/<uuid:code>/", taking.attempt_detail, name="attempt-detail"),
    path("attempts/<uuid:code>/items/<int:number>/", taking.attempt_item, name="attempt-item"),
    path("attempts/<uuid:code>/answer/", taking.attempt_answer, name="attempt-answer"),
    path("attempts/<uuid:code>/finish/", taking.attempt_finish, name="attempt-finish"),
    path("attempts/<uuid:code>/results/", taking.attempt_result, name="attempt-result"),
]
