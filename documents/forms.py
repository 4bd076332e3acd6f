"""Forms of the contact's files pages. Names are cleaned by the services, not here: these
forms only carry what the contact typed or chose."""

from django import forms
from django.utils.translation import gettext_lazy as _


class NameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["name"].help_text = help_text


class MoveForm(forms.Form):
    """Where to: a choice among the folders the view allows (ids with readable labels)."""

    destination = forms.TypedChoiceField(label=_("Move to"), coerce=int, empty_value=None)

    def __init__(self, *args, destinations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = [("", _("Choose a folder…"))] + [
            (folder.pk, label) for folder, label in destinations]
        self.fields["destination"].error_messages["invalid_choice"] = _(
            "Choose one of the folders in the list.")


class NewVersionForm(forms.Form):
    file = forms.FileField(label=_("New version"), error_messages={
        "required": _("Choose the file to upload as the new version."),
        "empty": _("The file you chose is empty (0 bytes)."),
    })
    comment = forms.CharField(label=_("What changed (optional)"), max_length=500,
                              required=False)
