"""Each tool's CSS comes once, in the head, from its registration; never from panel markup."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _links(html):
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)


def test_the_dashboard_loads_each_available_tools_css_once_in_the_head(world, docs, bills,
                                                                       client_for):
    html = client_for(world.contact_a).get(world.ws_a.url).content.decode()
    head, body = html.split("</head>", 1)

    links = _links(head)
    assert links[0].endswith("portal/portal.css")
    assert sum(link.endswith("documents/documents.css") for link in links) == 1
    assert sum(link.endswith("billing/billing.css") for link in links) == 1
    assert "Recent files" in body and "You owe" in body  # the panels those styles are for
    assert _links(body) == []


def test_a_tools_page_gets_its_css_without_loading_it_itself(world, docs, client_for):
    html = client_for(world.contact_a).get(f"{world.ws_a.url}files/").content.decode()
    head, body = html.split("</head>", 1)
    assert any(link.endswith("documents/documents.css") for link in _links(head))
    assert _links(body) == []


def test_a_member_without_a_tool_gets_none_of_its_css(world, bills, client_for):
    # contact_a2 is a member of ws_a but not one of its billing contacts.
    html = client_for(world.contact_a2).get(world.ws_a.url).content.decode()
    assert not any(link.endswith("billing/billing.css") for link in _links(html))
    menu = re.search(r'<nav class="menu".*?</nav>', html, re.S).group(0)
    assert "Dashboard" in menu and "Billing" not in menu
