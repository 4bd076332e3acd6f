"""Forms of the staff screens on a workspace's files (Wagtail admin)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workspaces import access
from workspaces.audience import Audience, AudienceFormMixin, ContactsField, audience_field

from .models import Folder
from .services import ACTIONS

User = get_user_model()

ACTION_LABELS = {
    "view": gettext_lazy("See the folder and download its files"),
    "upload": gettext_lazy("Upload files and create subfolders"),
    "manage": gettext_lazy("Rename, move and delete in the folder"),
}


def folder_paths(workspace, include_trashed=False):
    """{folder id: "Top / Middle / Folder"} for the workspace's live (or all) folders."""
    folders = Folder.objects.filter(workspace=workspace)
    if not include_trashed:
        folders = folders.alive()
    rows = list(folders.values_list("pk", "name", "path"))
    names = {pk: name for pk, name, _path in rows}
    return {
        pk: " / ".join(names.get(int(part), "…") for part in path.strip("/").split("/") if part)
        for pk, _name, path in rows
    }


class FolderChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, paths=None, **kwargs):
        self.paths = paths or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.paths.get(obj.pk, obj.name)


def folder_picker(workspace, exclude=None, top_level_label=None, label=None):
    """A choice of the workspace's live folders, shown by path; `exclude` (a folder) leaves
    out that folder and everything inside it."""
    paths = folder_paths(workspace)
    queryset = Folder.objects.alive().filter(workspace=workspace).order_by("path")
    if exclude is not None:
        queryset = queryset.exclude(path__startswith=exclude.path)
    field = FolderChoiceField(
        queryset=queryset, paths=paths, required=top_level_label is None,
        empty_label=top_level_label or "---------", label=label or gettext_lazy("Move to"))
    # Order by the path people read, not by ids.
    field.choices = sorted(field.choices, key=lambda c: (c[0] != "", str(c[1]).lower()))
    return field


class NewFolderForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Folder name"), max_length=200)


class RenameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("New name"), max_length=255)


class MoveFolderForm(forms.Form):
    def __init__(self, folder, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = folder_picker(
            folder.workspace, exclude=folder, top_level_label=_("(Top level of the workspace)"))
        self.fields["parent"].initial = folder.parent_id


class MoveFileForm(forms.Form):
    def __init__(self, file, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["folder"] = folder_picker(file.workspace)
        self.fields["folder"].initial = file.folder_id


class NewVersionForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("Note (what changed)"), max_length=500,
                              required=False)


class FolderAccessForm(AudienceFormMixin, forms.Form):
    """For each action, the portal's audience (everyone in the workspace, chosen contacts
    among its active members, or staff only); and the folder's "firm staff only" switch."""

    audience_fields = {f"{action}_audience": f"{action}_users" for action in ACTIONS}

    def __init__(self, folder, grants, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = folder
        self.workspace = folder.workspace
        members = set(access.active_members(folder.workspace).values_list("pk", flat=True))
        # Grants still held by former members are not offered (only members can be chosen),
        # and are not dropped either while the action stays "chosen contacts": whoever is
        # added back to the workspace finds them again.
        self.former = {}
        for action in ACTIONS:
            grant = grants[action]
            chosen = grant["users"] & members
            self.former[action] = grant["users"] - members
            audience = (Audience.WORKSPACE if grant["everyone"]
                        else Audience.SELECTED if chosen else Audience.STAFF)
            self.fields[f"{action}_audience"] = audience_field(label=_("Who may do this"),
                                                               initial=audience)
            self.fields[f"{action}_users"] = ContactsField(
                folder.workspace, label=_("Chosen contacts"), initial=sorted(chosen))
        inherited = bool(folder.parent_id and folder.parent.staff_only)
        self.fields["staff_only"] = forms.BooleanField(
            label=_("Firm staff only"), required=False, initial=folder.staff_only,
            disabled=inherited,
            help_text=_("The folder is in a staff-only folder, so it is staff only too.")
            if inherited else _("Never shown to contacts, whatever the grants say. Folders "
                                "inside it become staff only too."))

    def action_rows(self):
        return [(action, ACTION_LABELS[action], self[f"{action}_audience"],
                 self[f"{action}_users"]) for action in ACTIONS]

    def grants(self):
        """The grants in the shape of `services.folder_grants`."""
        data = self.cleaned_data
        result = {}
        for action in ACTIONS:
            audience = data[f"{action}_audience"]
            chosen = {u.pk for u in data[f"{action}_users"]} | self.former[action]
            result[action] = {
                "everyone": audience == Audience.WORKSPACE,
                "users": chosen if audience == Audience.SELECTED else set(),
            }
        return result


class ReviewerChoiceField(ContactsField):
    can_see = None  # ids of the contacts who can see the file

    def label_from_instance(self, obj):
        label = super().label_from_instance(obj)
        if self.can_see is not None and obj.pk not in self.can_see:
            label = _("%s (cannot see this file)") % label
        return label


class RequestApprovalForm(forms.Form):
    reviewers = ReviewerChoiceField(label=gettext_lazy("Ask these contacts"),
                                   queryset=User.objects.none(), required=True, help_text="")
    message = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(
        attrs={"rows": 4}), required=False, max_length=5000)
    due_date = forms.DateField(label=gettext_lazy("Due date (optional)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, file, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file = file
        self.fields["reviewers"].queryset = access.active_members(file.workspace)
        self.can_see = {contact.pk for contact, explanation in access.who_can_see(file)
                        if explanation.allowed}
        self.fields["reviewers"].can_see = self.can_see

    def clean_reviewers(self):
        reviewers = self.cleaned_data["reviewers"]
        refused = []
        for contact in reviewers:
            explanation = access.explain(contact, "view", self.file)
            if not explanation.allowed:
                refused.append(_("%(contact)s cannot see this file (%(reason)s)") % {
                    "contact": contact.email, "reason": explanation.deciding.reason})
        if refused:
            raise forms.ValidationError(
                [_("Give them access to the folder first, or leave them out.")] + refused)
        return reviewers

    def clean_due_date(self):
        due = self.cleaned_data.get("due_date")
        if due and due < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return due
