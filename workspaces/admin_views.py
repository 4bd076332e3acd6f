"""Admin screens on a workspace: its contacts, preview as a contact, and who can see a page."""


from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from . import access, services
from .middleware import PREVIEW_SESSION_KEY
from .models import Membership

User = get_user_model()


class NewContactForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Login email"))
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150,
                                 required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    title = forms.CharField(label=gettext_lazy("Job title"), max_length=80, required=False)
    send_invite = forms.BooleanField(label=gettext_lazy("Email a magic link now"),
                                     required=False, initial=True)


class ExistingContactForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("Contact"), queryset=User.objects.none())
    title = forms.CharField(label=gettext_lazy("Job title"), max_length=80, required=False)
    send_invite = forms.BooleanField(label=gettext_lazy("Email a magic link now"),
                                     required=False, initial=True)

    def __init__(self, workspace, staff, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only contacts this staff member may already see: offering (or accepting) anyone
        # else's contact would let a team pull another team's client into its workspace.
        self.fields["user"].queryset = access.visible_contacts(staff).exclude(
            memberships__workspace=workspace).order_by("email")


class ChangeEmailForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("New login email"))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(_("Another account already uses this email."))
        return email


def person_change_refusal(person, blocking_titles):
    """Why this staff member may not change the login email, password or portal access of
    `person`, naming the workspaces they do not serve (staff are firm employees: the titles
    tell them whom to ask)."""
    who_can = _("Only firm admins or staff serving every workspace of this person can change "
                "their login email, password or portal access.")
    if not blocking_titles:  # not a contact (firm staff): nothing more to say
        return who_can
    why = ngettext(
        "%(email)s is also in %(count)d workspace you do not serve: %(workspaces)s.",
        "%(email)s is also in %(count)d workspaces you do not serve: %(workspaces)s.",
        len(blocking_titles)) % {"email": person.email, "count": len(blocking_titles),
                                 "workspaces": ", ".join(blocking_titles)}
    return f"{who_can} {why}"


def editable_page_or_404(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise Http404
    return page


def posted_membership_or_404(request, workspace):
    """The workspace's membership named by the POSTed id; 404 for a foreign or malformed one."""
    pk = request.POST.get("membership", "")
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(Membership.objects.select_related("user"),
                             pk=pk, workspace=workspace)


def editable_workspace_or_404(request, page_id):
    return access.served_workspace_or_404(request.user, page_id)


class WorkspaceAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.workspace = editable_workspace_or_404(request, kwargs["page_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.workspace.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_pages:edit", args=[self.workspace.pk]),
             "label": self.workspace.title},
            {"url": "", "label": self.get_page_title()},
        ]


class ContactsView(WorkspaceAdminView):
    """Invite, create, switch off, re-email and re-password the workspace's contacts."""

    template_name = "portal_admin/contacts.html"
    page_title = gettext_lazy("Contacts")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = list(self.workspace.memberships.select_related("user").order_by(
            "-is_active", "user__email"))
        blocking = access.workspaces_blocking_people_change(
            self.request.user, [m.user_id for m in memberships])
        context.update(
            workspace=self.workspace,
            # (membership, None or why its person-wide actions are not this staff member's)
            rows=[(m, person_change_refusal(m.user, blocking[m.user_id])
                   if m.user_id in blocking else None) for m in memberships],
            new_form=kwargs.get("new_form") or NewContactForm(prefix="new"),
            existing_form=kwargs.get("existing_form") or ExistingContactForm(
                self.workspace, self.request.user, prefix="existing"),
            email_errors=kwargs.get("email_errors"),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            raise Http404
        with transaction.atomic():
            response = handler(request)
        return response or redirect("portal_admin:contacts", self.workspace.pk)

    # -- helpers
    def _member(self, request):
        return posted_membership_or_404(request, self.workspace)

    def _changeable_person(self, request):
        """(user, None) for the posted member, or (None, a 403 page saying who can): a
        person-wide change (login email, password, portal access) reaches every workspace
        of the person, so only staff serving all of them, or firm admins, may make it."""
        user = self._member(request).user
        if access.may_change_person(request.user, user):
            return user, None
        titles = list(access.workspaces_blocking_person_change(
            request.user, user).values_list("title", flat=True))
        messages.error(request, person_change_refusal(user, titles))
        return None, self.render_to_response(self.get_context_data(), status=403)

    def _invite(self, user, title, send):
        return services.add_member(self.workspace, user, by=self.request.user, title=title,
                                   send_invite=send)

    # -- actions
    def do_create(self, request):
        form = NewContactForm(request.POST, prefix="new")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(new_form=form), status=400)
        data = form.cleaned_data
        email = data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and user.is_staff:
            form.add_error("email", _("This address belongs to firm staff, not a contact."))
            return self.render_to_response(self.get_context_data(new_form=form), status=400)
        if user is not None and not access.visible_contacts(request.user).filter(
                pk=user.pk).exists():
            form.add_error("email", _("An account with this address already exists. Only a "
                                      "firm admin, or staff serving its workspaces, can add "
                                      "it."))
            return self.render_to_response(self.get_context_data(new_form=form), status=400)
        if user is None:
            user = User.objects.create_user(email, first_name=data["first_name"],
                                            last_name=data["last_name"])
            messages.success(request, _("%(email)s was created and added.") % {"email": email})
        else:
            messages.success(request, _("%(email)s already had an account and was added.")
                             % {"email": email})
        self._invite(user, data["title"], data["send_invite"])

    def do_invite(self, request):
        form = ExistingContactForm(self.workspace, request.user, request.POST,
                                   prefix="existing")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(existing_form=form), status=400)
        user = form.cleaned_data["user"]
        self._invite(user, form.cleaned_data["title"], form.cleaned_data["send_invite"])
        messages.success(request, _("%(contact)s was added.") % {"contact": user})

    def do_resend(self, request):
        membership = self._member(request)
        if not membership.user.portal_access:
            messages.error(request, _("Switch portal access on before sending a link."))
            return None
        self._invite(membership.user, membership.title, True)
        messages.success(request, _("A new magic link was sent to %(email)s.")
                         % {"email": membership.user.email})

    def do_access(self, request):
        user, refused = self._changeable_person(request)
        if refused:
            return refused
        services.set_portal_access(user, not user.portal_access, by=request.user,
                                   workspace=self.workspace)
        if user.portal_access:
            messages.success(request, _("Portal access is on for %(email)s.")
                             % {"email": user.email})
        else:
            messages.success(request, _("Portal access is off for %(email)s: their sessions "
                                        "have ended. Nothing was deleted.")
                             % {"email": user.email})

    def do_membership(self, request):
        membership = self._member(request)
        services.set_membership_active(membership, not membership.is_active, by=request.user)
        messages.success(request, _("Saved."))

    def do_email(self, request):
        user, refused = self._changeable_person(request)
        if refused:
            return refused
        form = ChangeEmailForm(user, request.POST)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(email_errors={user.pk: form.errors["email"]}), status=400)
        services.change_login_email(user, form.cleaned_data["email"], by=request.user)
        messages.success(request, _("The login email is now %(email)s. Earlier links no longer "
                                    "work.") % {"email": user.email})

    def do_password(self, request):
        user, refused = self._changeable_person(request)
        if refused:
            return refused
        password = services.set_temporary_password(user, by=request.user)
        messages.success(request, _("Temporary password for %(email)s: %(password)s. Send it to "
                                    "them yourself; they choose their own at first login.")
                         % {"email": user.email, "password": password})


class PreviewView(WorkspaceAdminView):
    """Staff browse the portal read-only with exactly one contact's permissions."""

    template_name = "portal_admin/preview.html"
    page_title = gettext_lazy("Preview as contact")
    header_icon = "view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            (membership, access.explain(membership.user, "view", self.workspace))
            for membership in self.workspace.memberships.select_related("user").order_by(
                "user__email")
        ]
        context["workspace"] = self.workspace
        return context

    def post(self, request, *args, **kwargs):
        membership = posted_membership_or_404(request, self.workspace)
        services.start_preview(request.session, self.workspace, membership.user,
                               by=request.user, session_key=PREVIEW_SESSION_KEY)
        return redirect(self.workspace.url)


class WhoCanSeeView(WagtailAdminTemplateMixin, TemplateView):
    """For a workspace or a page inside one: every contact, allowed or not, and why."""

    template_name = "portal_admin/who_can_see.html"
    page_title = gettext_lazy("Who can see this")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        self.page = editable_page_or_404(request, kwargs["page_id"])
        self.workspace = access.workspace_of(self.page)
        if self.workspace is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.page.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
             "label": self.page.title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = access.who_can_see(self.page)
        context.update(page=self.page, workspace=self.workspace, rows=rows,
                       allowed_count=sum(1 for _c, e in rows if e.allowed),
                       layers=access.LAYER_LABELS)
        return context


urlpatterns = [
    path("workspace/<int:page_id>/contacts/", ContactsView.as_view(), name="contacts"),
    path("workspace/<int:page_id>/preview/", PreviewView.as_view(), name="preview"),
    path("page/<int:page_id>/who-can-see/", WhoCanSeeView.as_view(), name="who_can_see"),
]
