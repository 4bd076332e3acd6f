from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from . import registry, slugs
from .audience import Audience, AudienceFormMixin


class PortalPageForm(WagtailAdminPageForm):
    """The admin form of every page type of the portal: refuses a slug that a route of the
    portal would hide (workspaces.slugs), saying why on the slug field."""

    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        clash = slugs.slug_clash(slug, getattr(self, "parent_page", None))
        if clash and "slug" not in self.errors:
            self.add_error("slug", clash)
        return cleaned_data


class WorkspacePageForm(PortalPageForm):
    """Tool switches as checkboxes built from the tool registry."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "enabled_tools" in self.fields:
            old = self.fields["enabled_tools"]
            self.fields["enabled_tools"] = forms.MultipleChoiceField(
                label=old.label, required=False, choices=registry.tool_choices(),
                widget=forms.CheckboxSelectMultiple,
            )


class VisibilityPageForm(AudienceFormMixin, PortalPageForm):
    """The page editor of pages with a visibility (`PageVisibilityMixin`): the portal's
    audience component, whose contacts picker offers the active members of the page's
    workspace, with name and email, and refuses anyone else. A former member the page was
    shown to is not offered, nor dropped while the page stays "chosen contacts"."""

    audience_fields = {"visibility": "visible_to"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import WorkspacePage

        parent = self.parent_page
        workspace = (WorkspacePage.objects.ancestor_of(parent, inclusive=True).first()
                     if parent is not None else None)
        if "visibility" not in self.fields or "visible_to" not in self.fields:
            return
        chosen = {user.pk for user in self.instance.visible_to.all()}
        self.setup_audience_fields(workspace)
        if workspace is None:
            self.former = set()
        else:
            members = set(self.fields["visible_to"].queryset.values_list("pk", flat=True))
            self.former = chosen - members
        self.fields["visible_to"].label = _("Chosen contacts")

    def clean(self):
        cleaned = super().clean()
        if (getattr(self, "former", None) and "visible_to" in cleaned
                and cleaned.get("visibility") == Audience.SELECTED):
            from django.contrib.auth import get_user_model

            cleaned["visible_to"] = list(cleaned["visible_to"]) + list(
                get_user_model().objects.filter(pk__in=self.former))
        return cleaned


def switch_field_name(switch):
    return f"switch__{switch.key}"


class FirmSettingsForm(WagtailAdminModelForm):
    """The firm settings form, with one checkbox per firm switch of the installed tools
    (registry.FirmSwitch), kept in FirmSettings.switches."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for _tool, switch in registry.firm_switches():
            self.fields[switch_field_name(switch)] = forms.BooleanField(
                label=switch.label, help_text=switch.help, required=False,
                initial=self.instance.switch_on(switch))

    def save(self, commit=True):
        for _tool, switch in registry.firm_switches():
            self.instance.set_switch(switch.key,
                                     self.cleaned_data.get(switch_field_name(switch)))
        return super().save(commit=commit)
