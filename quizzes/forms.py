from django.contrib.auth.forms import UserCreationForm


class SignUpForm(UserCreationForm):
    """Sign-up makes a learner; educators are promoted by an admin or another educator."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)
