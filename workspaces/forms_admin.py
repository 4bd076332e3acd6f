from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from . import registry


class WorkspacePageForm(WagtailAdminPageForm):
    """Tool switches as checkboxes built from the tool registry."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "enabled_tools" in self.fields:
            old = self.fields["enabled_tools"]
            self.fields["enabled_tools"] = forms.MultipleChoiceField(
                label=old.label, required=False, choices=registry.tool_choices(),
                widget=forms.CheckboxSelectMultiple,
            )
