"""Forms of a learner's history."""

from django import forms

from ..models import Quiz


class HistoryFilterForm(forms.Form):
    """Filters of the history page; the quiz list holds only quizzes the learner has attempted."""

    quiz = forms.ModelChoiceField(queryset=Quiz.objects.none(), required=False, empty_label="All quizzes")
    mode = forms.ChoiceField(choices=[("", "All modes"), *Quiz.Mode.choices], required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["quiz"].queryset = Quiz.objects.filter(attempts__user=user).distinct().order_by("title")

    def apply(self, attempts):
        if not self.is_bound or not self.is_valid():
            return attempts
        if self.cleaned_data["quiz"]:
            attempts = attempts.filter(quiz=self.cleaned_data["quiz"])
        if self.cleaned_data["mode"]:
            attempts = attempts.filter(mode=self.cleaned_data["mode"])
        return attempts
