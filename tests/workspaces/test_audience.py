"""One audience vocabulary, one grant writer, one "active members" query, one contacts
picker: the same for pages, folders, invoices and reports."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Page

from billing.models import WorkspaceBilling
from documents.models import Folder
from portal_pages.models import ContentPage
from workspaces import access, grants
from workspaces.audience import Audience
from workspaces.models import PageVisibilityMixin

from ..conftest import build_documents


def html_of(response):
    return response.content.decode()


def test_one_vocabulary_for_pages_and_billing():
    assert PageVisibilityMixin.Visibility is Audience
    assert WorkspaceBilling.Audience is Audience
    assert Audience.values == ["workspace", "selected", "staff"]


def test_active_members_are_the_workspace_contacts_still_in_it(world):
    w = world
    assert list(access.active_members(w.ws_a)) == [w.contact_a, w.contact_a2, w.revoked]
    assert list(access.active_members(w.ws_b)) == [w.contact_b]


@pytest.mark.parametrize("kind", ["page", "folder"])
def test_replace_makes_the_audience_the_only_holders(world, kind):
    w = world
    if kind == "page":
        obj, queryset = w.page_a, Page.objects.all()
    else:
        build_documents(w)
        obj, queryset = w.folder_a_shared, Folder.objects.all()

    def readers():
        return {c.email for c in (w.contact_a, w.contact_a2, w.contact_b)
                if access.visible(c, w.ws_a, queryset).filter(pk=obj.pk).exists()}

    grants.replace(obj, Audience.SELECTED, [w.contact_a2])
    assert readers() == {"arno@alpha.test"}
    grants.replace(obj, Audience.WORKSPACE)
    assert readers() == {"ann@alpha.test", "arno@alpha.test"}
    grants.replace(obj, Audience.STAFF, [w.contact_a])  # contacts ignored: staff only
    assert readers() == set()
    with pytest.raises(ValueError):
        grants.replace(obj, "nobody")


def test_page_editor_offers_the_workspace_active_members_with_name_and_email(world,
                                                                             client_for):
    w = world
    page = html_of(client_for(w.staff).get(
        reverse("wagtailadmin_pages:edit", args=[w.page_a_private.pk])))
    picker = page.split('name="visible_to"', 1)[1].rsplit("</fieldset>", 1)[0]
    assert "Ann" in page and "&lt;ann@alpha.test&gt;" in page
    assert "&lt;arno@alpha.test&gt;" in page
    assert "bea@beta.test" not in picker  # another workspace's contact
    assert "&lt;rita@alpha.test&gt;" not in page  # removed from the workspace
    assert "staff@firm.test" not in picker


def test_page_form_refuses_a_contact_who_is_not_an_active_member(world):
    w = world
    form_class = ContentPage.get_edit_handler().get_form_class()
    page = w.page_a_private.specific
    form = form_class(instance=page, parent_page=w.ws_a, for_user=w.staff)
    field = form.fields["visible_to"]
    assert [c.email for c in field.clean([w.contact_a.pk, w.contact_a2.pk])] == [
        "ann@alpha.test", "arno@alpha.test"]
    for outsider in (w.contact_b, w.removed, w.staff):
        with pytest.raises(ValidationError) as refused:
            field.clean([w.contact_a.pk, outsider.pk])
        assert "Only active members of this workspace can be chosen" in str(refused.value)


def chosen(page):
    """The contacts chosen on the live page, read afresh (the instance caches its choice)."""
    return {user.email for user in ContentPage.objects.get(pk=page.pk).visible_to.all()}


def test_page_edit_keeps_a_former_members_grant_and_refuses_outsiders(world, client_for):
    """Saving the page with a non-member chosen is refused with a clear message; saving it
    with members only keeps the page's former member (not offered, not dropped)."""
    w = world
    page = w.page_a_private.specific
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = {"title": page.title, "slug": page.slug, "kind": "page", "summary": "",
            "body-count": "0", "visibility": "selected", "seo_title": "",
            "search_description": "", "action-publish": "publish"}
    response = client_for(w.staff).post(edit, {**data, "visible_to": [w.contact_b.pk]})
    assert response.status_code == 200
    assert escape("Only active members of this workspace can be chosen") in html_of(response)
    assert chosen(page) == {"ann@alpha.test", "rex@alpha.test", "rita@alpha.test"}

    response = client_for(w.staff).post(edit, {**data, "visible_to": [w.contact_a2.pk]})
    assert response.status_code == 302, html_of(response)
    assert chosen(page) == {"arno@alpha.test", "rita@alpha.test"}
    assert access.can_view_page(w.contact_a2, page)
    assert not access.can_view_page(w.contact_a, page)

