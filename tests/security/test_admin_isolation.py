"""Isolation over every route of the staff admin.

A staff member on workspace B's team only ("bob") walks every admin URL pattern against
workspace A's objects: pages, library documents, contacts, the site history, and whatever the
installed tools add. Each route has a case; a new admin route without one fails
`test_every_admin_route_has_a_case`. The spine's and Wagtail's cases are here; each installed
app's are found in its own test folder (`ADMIN_ROUTES` in `tests/<app label>/isolation_cases.py`,
see admin_cases.py), so this folder names no tool. A workspace-scoped case (the route takes
the id of A or of a record in A) answers 404 to bob, asked first, then the page (or the
route's normal answer) to A's own team member (`world.staff`), so a case cannot pass by
refusing everybody; each listing, search or chooser case shows bob none of A's titles,
numbers or contacts.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import get_resolver, reverse
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    ReferenceIndex,
    Workflow,
    WorkflowTask,
)

from workspaces import grants
from workspaces.models import WorkspaceTeamMember

from ..conftest import BUILDERS, LAYERS
from ..factories import StaffFactory, publish
from .admin_cases import none, page, rev, url
from .test_isolation import APP_CASES, walk


def library_editors():
    """What a firm gives its staff besides their teams: the CMS library and images (on the
    root collection), no page permissions (those come from the workspace teams)."""
    group = Group.objects.create(name="Library editors")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                 codename="access_admin"))
    root = Collection.get_first_root_node()
    for app_label, codenames in (("wagtaildocs", ["add_document", "change_document",
                                                  "delete_document", "choose_document"]),
                                 ("wagtailimages", ["add_image", "change_image",
                                                    "choose_image"])):
        for perm in Permission.objects.filter(content_type__app_label=app_label,
                                              codename__in=codenames):
            GroupCollectionPermission.objects.create(group=group, collection=root,
                                                     permission=perm)
    return group


def review_workflow(page, group, user):
    """A one-task review of `page` by `group`, started by `user`: its workflow state."""
    task = GroupApprovalTask.objects.create(name="Team review")
    task.groups.add(group)
    workflow = Workflow.objects.create(name="Review")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow.start(page, user)


@pytest.fixture(scope="module")
def aw(django_db_setup, django_db_blocker):
    """One world for the whole module (the walk has a case per admin route), rolled back at
    the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        w = None
        for layer in LAYERS:
            w = BUILDERS[layer](w) or w
        for module in APP_CASES:
            if hasattr(module, "build"):
                module.build(w)
        editors = library_editors()
        w.bob = StaffFactory(email="bob@firm.test")
        WorkspaceTeamMember.objects.create(page=w.ws_b, user=w.bob, role="Account manager")
        grants.sync_team(w.ws_a)
        grants.sync_team(w.ws_b)
        for user in (w.bob, w.staff):
            user.groups.add(editors)
        document = get_document_model().objects.create(
            title="Alpha payroll workbook",
            file=ContentFile(b"%PDF-1.4 salaries", name="alpha-payroll.pdf"))
        page = w.page_a_private.specific
        page.body = [("document", {"document": document, "label": "Payroll workbook"})]
        publish(page)
        ReferenceIndex.create_or_update_for_object(page)
        w.document = document
        w.alias_a = w.page_a_private.specific.create_alias(update_slug="payroll-alias")
        w.reviewers_a = Group.objects.create(name="Alpha reviewers")
        w.staff.groups.add(w.reviewers_a)
        w.workflow_a = review_workflow(w.page_a.specific, w.reviewers_a, w.staff)
        yield w
        transaction.set_rollback(True)


# What bob must never see of workspace A: page titles, a document label, a contact's email
# (and what the installed apps' cases add: `ADMIN_DATA`).
A_DATA = ["Alpha payroll", "Alpha brief", "Alpha risk notes", "Payroll", "ann@alpha.test",
          "Workspace A",
          *(text for module in APP_CASES for text in getattr(module, "ADMIN_DATA", ()))]


NO_OBJECT = "takes no object and shows nothing of a workspace"
IMAGES = "CMS images are public by design (DESIGN.md, Files): no workspace data"
FIRM = "firm-wide set-up (sites, users, groups, collections, redirects, settings), " \
       "superusers only"
WORKFLOWS = "workflow set-up (workflows, tasks): takes no object of a workspace and needs " \
            "workflow permissions, which no team gives"
DOC = "Alpha payroll workbook"

CASES = {
    # --- sign-in and chrome
    "wagtailadmin_login": none(NO_OBJECT),
    "wagtailadmin_logout": none(NO_OBJECT),
    "wagtailadmin_password_reset": none(NO_OBJECT),
    "wagtailadmin_password_reset_done": none(NO_OBJECT),
    "wagtailadmin_password_reset_confirm": none(NO_OBJECT),
    "wagtailadmin_password_reset_complete": none(NO_OBJECT),
    "wagtailadmin_javascript_catalog": none(NO_OBJECT),
    "wagtailadmin_sprite": none(NO_OBJECT),
    "wagtailadmin_error_test": none(NO_OBJECT),
    "admin/test404/": none(NO_OBJECT),
    "admin/^.*/$": none("the admin's catch-all 404"),
    "wagtailadmin_account": url("/admin/account/"),
    "wagtailadmin_dismissibles": none(NO_OBJECT),
    "wagtailadmin_block_preview": none("renders a block type's preview value, no content"),
    "wagtailadmin_tag_autocomplete": url("/admin/tag-autocomplete/?term=a"),
    "wagtailadmin_tag_model_autocomplete": url(
        "/admin/tag-autocomplete/wagtaildocs/document/?term=a", staff_status=None),
    "wagtailadmin_choose_page_external_link": none(NO_OBJECT),
    "wagtailadmin_choose_page_email_link": none(NO_OBJECT),
    "wagtailadmin_choose_page_phone_link": none(NO_OBJECT),
    "wagtailadmin_choose_page_anchor_link": none(NO_OBJECT),
    "wagtailadmin_editing_sessions:ping": url(
        lambda w: f"/admin/editing-sessions/ping/wagtailcore/page/{w.page_a_private.pk}/0/",
        method="post", scoped=True),
    "wagtailadmin_editing_sessions:release": url("/admin/editing-sessions/release/1/",
                                                  method="post", staff_status=None),
    "wagtailadmin_home": url("/admin/"),
    # --- the admin API (explorer menu, rich text)
    "wagtailadmin_api:pages:listing": url("/admin/api/main/pages/?search=Alpha"),
    "wagtailadmin_api:pages:detail": url(
        lambda w: f"/admin/api/main/pages/{w.page_a_private.pk}/", "Alpha payroll",
        scoped=True),
    "wagtailadmin_api:pages:find": url(
        lambda w: f"/admin/api/main/pages/find/?id={w.page_a_private.pk}", staff_status=(302,),
        scoped=True),
    "wagtailadmin_api:pages:action": url(
        lambda w: f"/admin/api/main/pages/{w.page_a_private.pk}/action/unpublish/",
        method="post", scoped=True),
    "wagtailadmin_api:documents:listing": url("/admin/api/main/documents/", DOC),
    "wagtailadmin_api:documents:detail": url(
        lambda w: f"/admin/api/main/documents/{w.document.pk}/", DOC, scoped=True),
    "wagtailadmin_api:documents:find": url(
        lambda w: f"/admin/api/main/documents/find/?id={w.document.pk}", staff_status=(302,),
        scoped=True),
    "wagtailadmin_api:images:listing": none(IMAGES),
    "wagtailadmin_api:images:detail": none(IMAGES),
    "wagtailadmin_api:images:find": none(IMAGES),
    # --- pages
    "wagtailadmin_explore_root": url("/admin/pages/", staff_status=(200, 302)),
    "wagtailadmin_explore": page("wagtailadmin_explore", "ws_a"),
    "wagtailadmin_explore_results": page("wagtailadmin_explore_results", "ws_a"),
    "wagtail_bulk_action": url(
        lambda w: f"/admin/bulk/wagtailcore/page/publish/?id={w.page_a_private.pk}",
        "Alpha payroll", scoped=True),
    "wagtailadmin_pages:add": url(
        lambda w: f"/admin/pages/add/portal_pages/contentpage/{w.ws_a.pk}/", "Workspace A",
        scoped=True),
    "wagtailadmin_pages:preview_on_add": url(
        lambda w: f"/admin/pages/add/portal_pages/contentpage/{w.ws_a.pk}/preview/",
        scoped=True),
    "wagtailadmin_pages:type_use": url("/admin/pages/usage/portal_pages/contentpage/",
                                       "Alpha payroll"),
    "wagtailadmin_pages:type_use_results": url(
        "/admin/pages/usage/portal_pages/contentpage/results/", "Alpha payroll"),
    "wagtailadmin_pages:choose_parent": url("/admin/pages/create/portal_pages/contentpage"),
    "wagtailadmin_pages:usage": page("wagtailadmin_pages:usage"),
    "wagtailadmin_pages:edit": page("wagtailadmin_pages:edit"),
    "wagtailadmin_pages:preview_on_edit": page("wagtailadmin_pages:preview_on_edit", sees=None),
    "wagtailadmin_pages:view_draft": page("wagtailadmin_pages:view_draft", sees="Payroll"),
    # One page type may go under a workspace: Wagtail goes straight to its form.
    "wagtailadmin_pages:add_subpage": page("wagtailadmin_pages:add_subpage", "ws_a",
                                           sees=None, staff_status=(302,)),
    "wagtailadmin_pages:delete": page("wagtailadmin_pages:delete", sees=None),
    "wagtailadmin_pages:unpublish": page("wagtailadmin_pages:unpublish"),
    "wagtailadmin_pages:convert_alias": page("wagtailadmin_pages:convert_alias", "alias_a"),
    "wagtailadmin_pages:search": url("/admin/pages/search/?q=Alpha", "Alpha payroll"),
    "wagtailadmin_pages:search_results": url("/admin/pages/search/results/?q=Alpha",
                                             "Alpha payroll"),
    "wagtailadmin_pages:move": page("wagtailadmin_pages:move", sees=None),
    "wagtailadmin_pages:move_confirm": rev("wagtailadmin_pages:move_confirm",
                                           "page_a_private", "page_a"),
    "wagtailadmin_pages:set_page_position": page("wagtailadmin_pages:set_page_position",
                                                 sees=None, method="post"),
    "wagtailadmin_pages:copy": page("wagtailadmin_pages:copy"),
    # workflow_a: page_a under review by A's team member's group (reviewers_a).
    "wagtailadmin_pages:workflow_action": url(lambda w: reverse(
        "wagtailadmin_pages:workflow_action",
        args=[w.page_a.pk, "approve", w.workflow_a.current_task_state.pk]), scoped=True),
    "wagtailadmin_pages:collect_workflow_action_data": url(lambda w: reverse(
        "wagtailadmin_pages:collect_workflow_action_data",
        args=[w.page_a.pk, "approve", w.workflow_a.current_task_state.pk]), scoped=True),
    "wagtailadmin_pages:confirm_workflow_cancellation": page(
        "wagtailadmin_pages:confirm_workflow_cancellation", sees=None),
    "wagtailadmin_pages:workflow_preview": url(lambda w: reverse(
        "wagtailadmin_pages:workflow_preview",
        args=[w.page_a.pk, w.workflow_a.current_task_state.task_id]), scoped=True),
    "wagtailadmin_pages:set_privacy": page("wagtailadmin_pages:set_privacy", sees=None),
    "wagtailadmin_pages:lock": page("wagtailadmin_pages:lock", sees=None, method="post",
                                    staff_status=(302,)),
    "wagtailadmin_pages:unlock": page("wagtailadmin_pages:unlock", sees=None, method="post",
                                      staff_status=(302,)),
    "wagtailadmin_pages:revisions_index": page("wagtailadmin_pages:revisions_index", sees=None,
                                               staff_status=(302,)),
    "wagtailadmin_pages:revisions_view": url(
        lambda w: reverse("wagtailadmin_pages:revisions_view", args=[
            w.page_a_private.pk, w.page_a_private.latest_revision_id]), "Payroll", scoped=True),
    "wagtailadmin_pages:revisions_revert": url(
        lambda w: reverse("wagtailadmin_pages:revisions_revert", args=[
            w.page_a_private.pk, w.page_a_private.latest_revision_id]), "Alpha payroll",
        scoped=True),
    "wagtailadmin_pages:revisions_unschedule": url(
        lambda w: reverse("wagtailadmin_pages:revisions_unschedule", args=[
            w.page_a_private.pk, w.page_a_private.latest_revision_id]), scoped=True),
    "wagtailadmin_pages:revisions_compare": url(
        lambda w: f"/admin/pages/{w.page_a_private.pk}/revisions/compare/earliest...latest/",
        "Alpha payroll", scoped=True),
    "wagtailadmin_pages:workflow_history": page("wagtailadmin_pages:workflow_history"),
    "wagtailadmin_pages:workflow_history_detail": url(lambda w: reverse(
        "wagtailadmin_pages:workflow_history_detail", args=[w.page_a.pk, w.workflow_a.pk]),
        scoped=True),
    "wagtailadmin_pages:history": page("wagtailadmin_pages:history"),
    "wagtailadmin_pages:history_results": page("wagtailadmin_pages:history_results",
                                               sees=None),
    "wagtailadmin_choose_page": url("/admin/choose-page/"),
    "wagtailadmin_choose_page_child": page("wagtailadmin_choose_page_child", "ws_a"),
    "wagtailadmin_choose_page_search": url("/admin/choose-page/search/?q=Alpha",
                                           "Alpha payroll"),
    "wagtailadmin_choose_page_chosen_multiple": url(
        lambda w: f"/admin/choose-page/chosen-multiple/?id={w.page_a_private.pk}",
        scoped=True),
    # --- firm-wide set-up
    # Firm-wide screens: A's team member has no permission for them either (staff_status
    # None); bob must see nothing of A there.
    **{name: url(path, staff_status=None) for name, path in [
        ("wagtailadmin_collections:index", "/admin/collections/"),
        ("wagtailadmin_collections:add", "/admin/collections/add/"),
        ("wagtailadmin_collections:edit", "/admin/collections/1/"),
        ("wagtailadmin_collections:delete", "/admin/collections/1/delete/"),
        ("wagtailadmin_collections:set_privacy", "/admin/collections/1/privacy/"),
        ("wagtailsites:index", "/admin/sites/"),
        ("wagtailsites:index_results", "/admin/sites/results/"),
        ("wagtailsites:add", "/admin/sites/new/"),
        ("wagtailsettings:edit", "/admin/settings/workspaces/firmsettings/"),
        ("wagtailsettings:preview_on_edit", "/admin/settings/workspaces/firmsettings/1/preview/"),
        ("wagtailredirects:index", "/admin/redirects/"),
        ("wagtailredirects:index_results", "/admin/redirects/results/"),
        ("wagtailredirects:add", "/admin/redirects/add/"),
        ("wagtailredirects:edit", "/admin/redirects/1/"),
        ("wagtailredirects:delete", "/admin/redirects/1/delete/"),
        ("wagtailredirects:start_import", "/admin/redirects/import/"),
        ("wagtailredirects:process_import", "/admin/redirects/import/process/"),
        ("wagtailembeds:chooser", "/admin/embeds/chooser/"),
        ("wagtailembeds:chooser_upload", "/admin/embeds/chooser/upload/"),
        ("wagtailsnippets:index", "/admin/snippets/"),
        ("wagtailusers_users:index", "/admin/users/?q=alpha"),
        ("wagtailusers_users:index_results", "/admin/users/results/?q=alpha"),
        ("wagtailusers_users:add", "/admin/users/new/"),
        ("wagtailusers_groups:index", "/admin/groups/"),
        ("wagtailusers_groups:index_results", "/admin/groups/results/"),
        ("wagtailusers_groups:add", "/admin/groups/new/"),
    ]},
    **{f"wagtailsites:{view}": rev(f"wagtailsites:{view}", "site", scoped=False,
                                   staff_status=None)
       for view in ("edit", "delete", "history", "history_results", "usage", "copy")},
    **{f"wagtailusers_users:{view}": rev(f"wagtailusers_users:{view}", "contact_a",
                                         scoped=False, staff_status=None)
       for view in ("edit", "delete", "history", "history_results", "usage", "copy")},
    **{f"wagtailusers_groups:{view}": url(
        lambda w, view=view: reverse(f"wagtailusers_groups:{view}",
                                     args=[w.ws_a.client_group_id]), staff_status=None)
       for view in ("edit", "delete", "history", "history_results", "usage")},
    **{name: none(WORKFLOWS) for name in [
        "wagtailadmin_workflows:index", "wagtailadmin_workflows:index_results",
        "wagtailadmin_workflows:add", "wagtailadmin_workflows:enable",
        "wagtailadmin_workflows:disable", "wagtailadmin_workflows:edit",
        "wagtailadmin_workflows:usage", "wagtailadmin_workflows:usage_results",
        "wagtailadmin_workflows:add_task", "wagtailadmin_workflows:select_task_type",
        "wagtailadmin_workflows:task_index", "wagtailadmin_workflows:task_index_results",
        "wagtailadmin_workflows:edit_task", "wagtailadmin_workflows:disable_task",
        "wagtailadmin_workflows:enable_task", "wagtailadmin_workflows:task_chooser",
        "wagtailadmin_workflows:task_chooser_results",
        "wagtailadmin_workflows:task_chooser_create", "wagtailadmin_workflows:task_chosen",
    ]},
    # The pages under review (page_a, workflow_a), across workspaces.
    **{name: url(path, "Alpha brief") for name, path in [
        ("wagtailadmin_reports:workflow", "/admin/reports/workflow/"),
        ("wagtailadmin_reports:workflow_results", "/admin/reports/workflow/results/"),
        ("wagtailadmin_reports:workflow_tasks", "/admin/reports/workflow_tasks/"),
        ("wagtailadmin_reports:workflow_tasks_results",
         "/admin/reports/workflow_tasks/results/"),
    ]},
    "wagtailadmin_workflows:remove": page("wagtailadmin_workflows:remove", sees=None,
                                          method="post", staff_status=(302,)),
    # --- reports and the site history
    "wagtailadmin_reports:locked_pages": url("/admin/reports/locked/", staff_status=(302,)),
    "wagtailadmin_reports:locked_pages_results": url("/admin/reports/locked/results/",
                                                     staff_status=(302,)),
    "wagtailadmin_reports:site_history": url("/admin/reports/site-history/", "Alpha payroll"),
    "wagtailadmin_reports:site_history_results": url("/admin/reports/site-history/results/",
                                                     "Alpha payroll"),
    "wagtailadmin_reports:aging_pages": url("/admin/reports/aging-pages/"),
    "wagtailadmin_reports:aging_pages_results": url("/admin/reports/aging-pages/results/"),
    # Names the last edited page of each type, across workspaces: firm admins only.
    "wagtailadmin_reports:page_types_usage": url("/admin/reports/page-types-usage/",
                                                 staff_status=(404,)),
    "wagtailadmin_reports:page_types_usage_results": url(
        "/admin/reports/page-types-usage/results/", staff_status=(404,)),
    # --- contacts (workspaces/admin_views.py)
    "portal_admin:contacts": rev("portal_admin:contacts", "ws_a", sees="ann@alpha.test"),
    "portal_admin:preview": rev("portal_admin:preview", "ws_a", sees="ann@alpha.test"),
    "portal_admin:who_can_see": rev("portal_admin:who_can_see", "page_a_private",
                                    sees="ann@alpha.test"),
    "workspaces:index": url("/admin/workspaces/", "Workspace A"),
    "workspaces:index_results": url("/admin/workspaces/results/", "Workspace A"),
    "workspaces:choose_parent": url("/admin/workspaces/choose_parent/", "Portal"),
    # --- the CMS library
    "wagtaildocs:index": url("/admin/documents/", DOC),
    "wagtaildocs:index_results": url("/admin/documents/results/", DOC),
    "wagtaildocs:add": url("/admin/documents/add/"),
    "wagtaildocs:edit": rev("wagtaildocs:edit", "document", sees=DOC),
    "wagtaildocs:delete": rev("wagtaildocs:delete", "document", sees=DOC),
    "wagtaildocs:add_multiple": url("/admin/documents/multiple/add/"),
    "wagtaildocs:edit_multiple": rev("wagtaildocs:edit_multiple", "document", method="post"),
    "wagtaildocs:create_multiple_from_uploaded_document": none(
        "takes an upload in progress of the requesting user, not a document"),
    "wagtaildocs:delete_multiple": rev("wagtaildocs:delete_multiple", "document",
                                       method="post"),
    "wagtaildocs:delete_upload_multiple": none(
        "takes an upload in progress of the requesting user, not a document"),
    "wagtaildocs:document_usage": rev("wagtaildocs:document_usage", "document", sees=DOC),
    "wagtaildocs_chooser:choose": url("/admin/documents/chooser/", DOC),
    "wagtaildocs_chooser:choose_results": url("/admin/documents/chooser/results/?q=Alpha", DOC),
    "wagtaildocs_chooser:chosen": rev("wagtaildocs_chooser:chosen", "document", sees=DOC),
    "wagtaildocs_chooser:chosen_multiple": url(
        lambda w: f"/admin/documents/chooser/chosen-multiple/?id={w.document.pk}", DOC),
    "wagtaildocs_chooser:create": url("/admin/documents/chooser/create/"),
    **{name: none(IMAGES) for name in [
        "wagtailimages:index", "wagtailimages:index_results", "wagtailimages:edit",
        "wagtailimages:delete", "wagtailimages:url_generator",
        "wagtailimages:url_generator_output", "wagtailimages:preview", "wagtailimages:add",
        "wagtailimages:image_usage", "wagtailimages:add_multiple",
        "wagtailimages:edit_multiple", "wagtailimages:create_multiple_from_uploaded_image",
        "wagtailimages:delete_multiple", "wagtailimages:delete_upload_multiple",
        "wagtailimages_chooser:choose", "wagtailimages_chooser:choose_results",
        "wagtailimages_chooser:chosen", "wagtailimages_chooser:chosen_multiple",
        "wagtailimages_chooser:create", "wagtailimages_chooser:select_format",
    ]},
}


# Each installed app's admin cases, from its own test folder (admin_cases.py).
for _module in APP_CASES:
    _admin_routes = getattr(_module, "ADMIN_ROUTES", {})
    _clash = set(CASES) & set(_admin_routes)
    assert not _clash, f"{_module.__name__} repeats admin cases: {_clash}"
    CASES.update(_admin_routes)


def admin_routes():
    return {name or route for route, name in walk(get_resolver().url_patterns)
            if route.startswith("admin/")}


def test_every_admin_route_has_a_case():
    routes = admin_routes()
    named = {name.split(" (")[0] for name in CASES}
    missing = sorted(routes - named)
    assert not missing, f"Admin routes without an isolation case: {missing}"
    assert not named - routes, f"Cases for routes that no longer exist: {named - routes}"
    assert all(case.url or case.why for case in CASES.values())
    unchecked = [name for name, case in CASES.items() if case.scoped and not case.staff_status]
    assert not unchecked, f"Workspace-scoped cases without A's team member's answer: {unchecked}"


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


WALKED = [(name, case) for name, case in CASES.items() if case.url]


@pytest.mark.parametrize(("name", "case"), WALKED, ids=[name for name, _c in WALKED])
def test_admin_route_isolation(name, case, aw, client_for, db):
    """Bob first (so a refusal cannot come from A's team member's POST having changed the
    object), then A's team member."""
    target = case.url(aw)
    data = case.data(aw) if case.data else {}
    other = getattr(client_for(aw.bob), case.method)(target, data)
    if case.scoped:
        assert other.status_code == 404, \
            f"{name}: staff serving another workspace got {other.status_code}"
    elif other.status_code != 404:
        shown = _body(other) + other.get("Location", "")
        leaked = [text for text in A_DATA if text in shown]
        assert not leaked, \
            f"{name}: staff of another team got {other.status_code} with {leaked}"
    if case.staff_status is not None:
        mine = getattr(client_for(aw.staff), case.method)(target, data)
        assert mine.status_code in case.staff_status, \
            f"{name}: A's team member got {mine.status_code}"
        if case.staff_sees:
            assert case.staff_sees in _body(mine), f"{name}: A's team member does not see it"


# ---------------------------------------------------------------------------- library documents

def _files_under(root):
    import os

    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


def test_uploaded_library_document_is_private_and_served_after_the_check(aw, client_for, db):
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(aw.admin).post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("alpha-payroll-q3.pdf", b"%PDF-1.4 q3 salaries")},
        headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200, response.content[:300]
    document = get_document_model().objects.get(file__contains="alpha-payroll-q3")
    name = document.file.name.rsplit("/", 1)[-1]
    assert not [path for path in _files_under(settings.MEDIA_ROOT) if name in path]
    assert [path for path in _files_under(settings.PRIVATE_MEDIA_ROOT) if name in path]
    assert client_for(None).get(f"/media/documents/{name}").status_code == 404
    assert client_for(None).get(f"/media/{document.file.name}").status_code == 404

    page = aw.page_a_private.specific
    page.body = [("document", {"document": document, "label": "Q3"})]
    publish(page)
    ReferenceIndex.create_or_update_for_object(page)
    served = client_for(aw.contact_a).get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"%PDF-1.4 q3 salaries"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert _body(client_for(aw.staff).get(document.url)) == "%PDF-1.4 q3 salaries"
    for outsider in (aw.bob, aw.contact_b, aw.contact_a2, None):
        assert client_for(outsider).get(document.url).status_code in (302, 404)
    assert client_for(aw.bob).get(document.url).status_code == 404


def test_documents_outside_workspaces_stay_readable_by_every_staff_member(aw, client_for, db):
    loose = get_document_model().objects.create(
        title="Firm brochure", file=ContentFile(b"%PDF-1.4 brochure", name="brochure.pdf"))
    bob = client_for(aw.bob)
    assert bob.get(loose.url).status_code == 200
    assert "Firm brochure" in _body(bob.get("/admin/documents/"))
    assert "Firm brochure" in _body(bob.get("/admin/documents/chooser/"))
    assert "Alpha payroll workbook" not in _body(bob.get("/admin/documents/"))
    page = aw.public_page.specific
    page.body = [("document", {"document": aw.document, "label": "Also public"})]
    publish(page)
    ReferenceIndex.create_or_update_for_object(page)
    assert bob.get(aw.document.url).status_code == 200


def test_page_chooser_and_explorer_show_only_served_workspaces(aw, client_for, db):
    bob, staff = client_for(aw.bob), client_for(aw.staff)
    home_children = reverse("wagtailadmin_choose_page_child", args=[aw.home.pk])
    assert "Workspace B" in _body(bob.get(home_children))
    assert "Workspace A" not in _body(bob.get(home_children))
    assert "Privacy" in _body(bob.get(home_children))
    assert "Workspace A" in _body(staff.get(home_children))
    for name in ("wagtailadmin_explore", "wagtailadmin_pages:edit",
                 "wagtailadmin_pages:history", "wagtailadmin_choose_page_child"):
        assert bob.get(reverse(name, args=[aw.ws_a.pk])).status_code == 404, name
    assert bob.get(reverse("wagtailadmin_pages:edit", args=[aw.page_b.pk])).status_code == 200


def test_dashboard_lists_no_review_of_a_workspace_the_reviewer_does_not_serve(aw, client_for,
                                                                             db):
    """A firm-wide review group (say, the partners) reviews pages of every workspace; its
    members who serve only B must not find A's pages in their dashboard's review panel (the
    review itself is a 404 for them)."""
    aw.bob.groups.add(aw.reviewers_a)
    assert "Alpha brief" in _body(client_for(aw.staff).get("/admin/"))
    action = reverse("wagtailadmin_pages:workflow_action",
                     args=[aw.page_a.pk, "approve", aw.workflow_a.current_task_state.pk])
    assert client_for(aw.bob).get(action).status_code == 404
    assert "Alpha brief" not in _body(client_for(aw.bob).get("/admin/"))
