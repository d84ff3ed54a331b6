"""Forms of accounts: sign-up, log-in, and finding a learner to promote."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.validators import MaxLengthValidator

from ..validators import PlainTextField, validate_plain_text
from .profiles import time_zones


def _email(required: bool, help_text: str) -> forms.EmailField:
    return forms.EmailField(
        label="E-mail",
        required=required,
        max_length=254,
        validators=[validate_plain_text],
        help_text=help_text,
    )


class SignUpForm(UserCreationForm):
    """Sign-up makes a learner; educators are promoted by an admin or another educator. The e-mail is
    optional for a learner: without one, a forgotten password needs their educator or an admin."""

    email = _email(False, "Optional: where a link to reset a forgotten password is sent.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class ResetForm(PasswordResetForm):
    """Django's password reset, its address checked like every other text the site takes."""

    email = _email(
        True, "The address on your account. If there is one, a link to choose a new password goes there."
    )


class ProfileForm(forms.Form):
    """Name, e-mail and time zone. An educator needs an e-mail address (their learners and a password reset
    reach them there); a learner may leave it empty."""

    first_name = PlainTextField(label="First name", max_length=150, required=False)
    last_name = PlainTextField(label="Last name", max_length=150, required=False)
    email = _email(False, "Where a link to reset a forgotten password is sent.")
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Times are shown, and typed into forms, in this zone. Empty: your browser's.",
    )

    def __init__(self, *args, email_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", "Your browser's time zone"), *((z, z) for z in time_zones())]
        if email_required:
            self.fields["email"].required = True
            self.fields["email"].help_text = "Required for educators. " + self.fields["email"].help_text


class LogInForm(AuthenticationForm):
    """Django's log-in form, with the username checked before anything looks it up: Django only sets the
    field's max_length for the browser, so an over-long or NUL-holding username went on to the database
    (and to django-axes' record of the failure) and came back as a 500."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators += [MaxLengthValidator(username.max_length), validate_plain_text]


class UserSearchForm(forms.Form):
    q = PlainTextField(label="Username", required=False, widget=forms.TextInput(attrs={"type": "search"}))
