from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "MMN Quiz"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - connects the log-in receiver that remembers the role
