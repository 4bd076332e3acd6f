"""factory_boy factories for people and the page tree."""

import factory
import wagtail_factories
from django.contrib.auth import get_user_model

from portal_pages.models import ContentPage, PortalHomePage
from workspaces.models import Membership, WorkspacePage

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class ContactFactory(UserFactory):
    email = factory.Sequence(lambda n: f"contact{n}@client.test")
    is_staff = False


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@firm.test")
    is_staff = True


class PortalHomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PortalHomePage

    title = "Portal"


class WorkspacePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = WorkspacePage

    title = factory.Sequence(lambda n: f"Client {n}")


class ContentPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ContentPage

    title = factory.Sequence(lambda n: f"Page {n}")
    summary = "A page for the client."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(ContactFactory)
    workspace = None


def publish(page):
    """Publish through Wagtail, so that the same signals as in the admin run."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page
