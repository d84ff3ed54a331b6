from django.urls import path

from .views import history, home, review, taking

app_name = "quizzes"

urlpatterns = [
    path("", home.home, name="home"),
    path("mastery/", home.mastery, name="mastery"),
    path("quizzes/", taking.quiz_list, name="quiz-list"),
    path("quizzes/<int:pk>/start/", taking.attempt_start, name="attempt-start"),
    path("attempts/", history.attempt_list, name="attempt-list"),
    path("attempts/history.csv", history.attempt_history_csv, name="attempt-history-csv"),
    path("attempts/<uuid:code>/", taking.attempt_detail, name="attempt-detail"),
    path("attempts/<uuid:code>/items/<int:number>/", taking.attempt_item, name="attempt-item"),
    path("attempts/<uuid:code>/answer/", taking.attempt_answer, name="attempt-answer"),
    path("attempts/<uuid:code>/finish/", taking.attempt_finish, name="attempt-finish"),
    path("attempts/<uuid:code>/results/", taking.attempt_result, name="attempt-result"),
    path("review/", review.review_next, name="review-next"),
    path("review/<int:pk>/", review.review_result, name="review-result"),
    path("review/<int:pk>/answer/", review.review_answer, name="review-answer"),
]
