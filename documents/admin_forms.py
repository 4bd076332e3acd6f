"""Forms of the staff screens on a workspace's files (Wagtail admin)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workspaces import access

from .models import Folder, FolderUserObjectPermission
from .services import ACTIONS

User = get_user_model()

NOBODY, EVERYONE, CHOSEN = "none", "everyone", "chosen"
ACTION_LABELS = {
    "view": gettext_lazy("See the folder and download its files"),
    "upload": gettext_lazy("Upload files and create subfolders"),
    "manage": gettext_lazy("Rename, move and delete in the folder"),
}
AUDIENCE_CHOICES = [
    (NOBODY, gettext_lazy("No contacts")),
    (EVERYONE, gettext_lazy("Everyone in the workspace")),
    (CHOSEN, gettext_lazy("Chosen contacts")),
]


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


class ContactChoiceField(forms.ModelMultipleChoiceField):
    members = None  # ids of the workspace's active members, when some choices are not

    def label_from_instance(self, obj):
        name = obj.get_full_name()
        label = f"{name} <{obj.email}>" if name else obj.email
        if self.members is not None and obj.pk not in self.members:
            label = _("%s (no longer in the workspace)") % label
        return label


def workspace_contacts(workspace):
    """Active members of the workspace (contacts, not staff), by email."""
    return User.objects.filter(
        memberships__workspace=workspace, memberships__is_active=True, is_staff=False,
    ).distinct().order_by("email")


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


class FolderAccessForm(forms.Form):
    """For each action: no contacts, everyone in the workspace, or chosen contacts; and the
    folder's "firm staff only" switch."""

    def __init__(self, folder, grants, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = folder
        granted = FolderUserObjectPermission.objects.filter(content_object=folder).values(
            "user_id")
        # Active members, plus anyone still holding a grant here (removed contacts keep it
        # until someone takes it away: saving the form must not drop it silently).
        contacts = User.objects.filter(
            Q(memberships__workspace=folder.workspace, memberships__is_active=True)
            | Q(pk__in=granted), is_staff=False).distinct().order_by("email")
        self.contacts = contacts
        members = set(workspace_contacts(folder.workspace).values_list("pk", flat=True))
        for action in ACTIONS:
            grant = grants[action]
            audience = EVERYONE if grant["everyone"] else CHOSEN if grant["users"] else NOBODY
            self.fields[f"{action}_audience"] = forms.ChoiceField(
                label=_("Who may do this"), choices=AUDIENCE_CHOICES,
                widget=forms.RadioSelect, initial=audience)
            users = ContactChoiceField(
                label=_("Chosen contacts"), queryset=contacts, required=False,
                widget=forms.CheckboxSelectMultiple, initial=sorted(grant["users"]),
                help_text=_("Used when “Chosen contacts” is picked above."))
            users.members = members
            self.fields[f"{action}_users"] = users
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

    def clean(self):
        data = super().clean()
        for action in ACTIONS:
            if data.get(f"{action}_audience") == CHOSEN and not data.get(f"{action}_users"):
                self.add_error(f"{action}_users",
                               _("Choose at least one contact, or pick “No contacts”."))
        return data

    def grants(self):
        """The grants in the shape of `services.folder_grants`."""
        data = self.cleaned_data
        result = {}
        for action in ACTIONS:
            audience = data[f"{action}_audience"]
            result[action] = {
                "everyone": audience == EVERYONE,
                "users": {u.pk for u in data[f"{action}_users"]} if audience == CHOSEN else set(),
            }
        return result


class ReviewerChoiceField(ContactChoiceField):
    can_see = None  # ids of the contacts who can see the file

    def label_from_instance(self, obj):
        label = super().label_from_instance(obj)
        if self.can_see is not None and obj.pk not in self.can_see:
            label = _("%s (cannot see this file)") % label
        return label


class RequestApprovalForm(forms.Form):
    reviewers = ReviewerChoiceField(label=gettext_lazy("Ask these contacts"),
                                   queryset=User.objects.none(),
                                   widget=forms.CheckboxSelectMultiple)
    message = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(
        attrs={"rows": 4}), required=False, max_length=5000)
    due_date = forms.DateField(label=gettext_lazy("Due date (optional)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, file, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file = file
        self.fields["reviewers"].queryset = workspace_contacts(file.workspace)
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
