"""Forms of live sessions: the educator's start form, and the learner's join form."""

from django import forms

from ..models import Classroom, LiveSession, Quiz
from ..teaching.classes import JOIN_CODE_LENGTH
from ..validators import PlainTextField
from .sessions import find_session

MAX_COUNTDOWN = 600


class LiveStartForm(forms.Form):
    quiz = forms.ModelChoiceField(queryset=Quiz.objects.none(), label="Quiz")
    classroom = forms.ModelChoiceField(
        queryset=Classroom.objects.none(),
        required=False,
        label="Class (optional)",
        empty_label="No class: anyone with the code",
        help_text="Its members are recognized when they join.",
    )
    countdown = forms.IntegerField(
        required=False,
        min_value=5,
        max_value=MAX_COUNTDOWN,
        label="Seconds per question (optional)",
        help_text=f"Empty: each question stays open until you reveal it. At most {MAX_COUNTDOWN}.",
    )
    allow_guests = forms.BooleanField(
        required=False, label="Let guests join with a nickname, without an account"
    )
    allow_change = forms.BooleanField(
        required=False, label="Let learners change their answer until you reveal it"
    )
    show_leaderboard = forms.BooleanField(
        required=False,
        label="Show a leaderboard of nicknames at the end",
        help_text="Off by default: many learners prefer to stay anonymous.",
    )

    def __init__(self, data=None, *, quizzes, classes, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["quiz"].queryset = quizzes
        self.fields["classroom"].queryset = classes


class LiveJoinForm(forms.Form):
    code = PlainTextField(
        label="Session code",
        max_length=20,
        help_text=f"The {JOIN_CODE_LENGTH} letters and digits on the projector.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    nickname = PlainTextField(
        label="Nickname (optional)",
        max_length=30,
        required=False,
        help_text="Shown instead of your name if the educator shows a leaderboard. Guests must choose one.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_code(self) -> LiveSession:
        session = find_session(self.cleaned_data["code"])
        if session is None:
            raise forms.ValidationError("No live session is running with this code. Check the projector.")
        return session
