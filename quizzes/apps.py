from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "MMN Quiz"

    def ready(self) -> None:
        # noqa below: connect the receivers (role and time zone at log-in, the cached user dropped on save)
        from .accounts import backends, permissions, profiles  # noqa: F401
