from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from . import ratelimit
from .models import User

CURRENT_PASSWORD_TRIES = 5

LOCKED_ACCOUNT_MESSAGE = _("Too many failed attempts for this account. Password login is "
                          "locked for an hour.")


class StaffLoginForm(WagtailLoginForm):
    """The admin's login: firm staff only. A contact (whatever their password, access or the
    firm's login methods) gets the same answer as a wrong password and no session."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(LOCKED_ACCOUNT_MESSAGE, code="locked") from None
            raise

    def confirm_login_allowed(self, user):
        if not (user.is_active and user.is_staff):
            raise self.get_invalid_login_error()


class StaffPasswordResetForm(WagtailPasswordResetForm):
    """Only active staff with a password get a reset email: contacts have no self-service
    reset (the firm gives them a temporary password)."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)


class MagicLinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class PasswordLoginForm(forms.Form):
    """Shown beside the magic-link form: its own ids, so each label points at its own field."""

    email = forms.EmailField(label=_("Email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_pw_%s")
        super().__init__(*args, **kwargs)


class NewPasswordForm(forms.Form):
    """Choosing a password. The current one is asked for (a stolen session must not be able
    to take the account), except on the forced change after a temporary password, where the
    temporary password is refused as the new one."""

    current_password = forms.CharField(
        label=_("Current password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.forced = user.must_change_password
        super().__init__(*args, **kwargs)
        # Without a usable password (signed in by links so far) there is nothing to ask for.
        if self.forced or not user.has_usable_password():
            del self.fields["current_password"]

    def clean_current_password(self):
        current = self.cleaned_data["current_password"]
        # Otherwise this form would be a way to guess the password without any lockout.
        if ratelimit.exceeded("current-password", str(self.user.pk), CURRENT_PASSWORD_TRIES):
            raise forms.ValidationError(_("Too many wrong passwords. Wait a few minutes and "
                                          "try again."), code="too_many")
        if not self.user.check_password(current):
            ratelimit.hit("current-password", str(self.user.pk))
            raise forms.ValidationError(_("That is not your current password."),
                                        code="password_incorrect")
        return current

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("new_password1"), cleaned.get("new_password2")
        if one and two and one != two:
            raise forms.ValidationError(_("The two passwords do not match."))
        if one and self.forced and self.user.check_password(one):
            self.add_error("new_password1", forms.ValidationError(
                _("Choose a password different from the temporary one."), code="temporary"))
        elif one:
            password_validation.validate_password(one, self.user)
        return cleaned

    def save(self):
        from .services import set_own_password

        return set_own_password(self.user, self.cleaned_data["new_password1"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language"]
        labels = {"first_name": _("First name"), "last_name": _("Last name"),
                  "language": _("Language")}
