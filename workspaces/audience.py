"""Who of a workspace's contacts sees something: the one audience vocabulary of the portal,
and the form component that edits it.

Pages, folders, invoices and reports all say the same three things: everyone in the
workspace, the contacts chosen below, or firm staff only. The stored values are the pages'
("workspace", "selected", "staff"). `workspaces.grants.replace` turns an audience into
guardian grants; the access policy reads only those.
"""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    WORKSPACE = "workspace", _("Everyone in the workspace")
    SELECTED = "selected", _("Only the contacts chosen below")
    STAFF = "staff", _("Firm staff only (never shown to contacts)")


def contact_label(user):
    """A contact as pickers show them: "Name <email>", or the email alone."""
    name = user.get_full_name()
    return f"{name} <{user.email}>" if name else user.email


class ContactsField(forms.ModelMultipleChoiceField):
    """The chosen contacts of an audience: the workspace's active members only, each shown
    with name and email. Anyone else posted (a removed member, another workspace's contact,
    staff) is refused with a message saying so."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "invalid_choice": _("Only active members of this workspace can be chosen: one of the "
                            "contacts chosen is not (or no longer) a member."),
        "invalid_pk_value": _("“%(pk)s” is not a contact."),
    }

    def __init__(self, workspace=None, **kwargs):
        from .access import active_members

        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Used when “Only the contacts chosen below” is "
                                         "picked above."))
        queryset = kwargs.pop("queryset", None)
        if workspace is not None:
            queryset = active_members(workspace)
        elif queryset is None:
            from django.contrib.auth import get_user_model

            queryset = get_user_model().objects.none()
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj):
        return contact_label(obj)


def audience_field(**kwargs):
    """The audience as radio buttons."""
    kwargs.setdefault("label", _("Who sees this"))
    kwargs.setdefault("initial", Audience.WORKSPACE)
    return forms.ChoiceField(choices=Audience.choices, widget=forms.RadioSelect, **kwargs)


class AudienceFormMixin:
    """For a form with one or more (audience, contacts) pairs of fields, named in
    `audience_fields` as {audience field: contacts field}: the contacts pickers list the
    workspace's active members (`self.workspace`, set before `super().__init__` returns),
    and "chosen contacts" with nobody chosen is refused."""

    audience_fields = {}

    def setup_audience_fields(self, workspace):
        self.workspace = workspace
        for audience_name, contacts_name in self.audience_fields.items():
            if audience_name in self.fields:
                old = self.fields[audience_name]
                self.fields[audience_name] = audience_field(
                    label=old.label, initial=old.initial, help_text=old.help_text)
            old = self.fields.get(contacts_name)
            self.fields[contacts_name] = ContactsField(
                workspace, label=old.label if old else _("Chosen contacts"),
                initial=old.initial if old else None)

    def clean(self):
        cleaned = super().clean()
        for audience_name, contacts_name in self.audience_fields.items():
            if (cleaned.get(audience_name) == Audience.SELECTED
                    and not cleaned.get(contacts_name)
                    and contacts_name not in self.errors):
                self.add_error(contacts_name, _(
                    "Choose at least one contact, or pick “Firm staff only”."))
        return cleaned
