"""The demo's pages (`manage.py load_demo`): the Site's home text, a public privacy notice in
the firm's menu, and briefs, updates and notes inside the demo workspaces, each with its
audience. Registered with `registry.register_demo` in PortalPagesConfig.ready()."""

from workspaces.models import FirmMenuLink

from .models import ContentPage

HOME_INTRO = "<p>Your documents, updates and team, in one private place.</p>"

# Per workspace slug: title, kind, summary, visibility, chosen contacts.
PAGES = {
    "harbor-bakery": [
        ("Tax season checklist", "brief", "What we need from you, and by when.", "workspace",
         []),
        ("Status update: March", "update", "Bookkeeping reconciled through February.",
         "workspace", []),
        ("Payroll review notes", "page", "Salary figures for the owner and CFO only.",
         "selected", ["ben@harborbakery.example"]),
        ("Internal: engagement risk notes", "page", "Staff-only working notes.", "staff", []),
    ],
    "lumen-studio": [
        ("Campaign brief", "brief", "Audience, message and channels.", "workspace", []),
        ("Statement of work", "sow", "Deliverables, timeline and fees.", "workspace", []),
        ("Week 3 update", "update", "Concepts approved; shoot booked.", "workspace", []),
    ],
    "keystone-logistics": [
        ("October monitoring report", "update", "99.98% uptime; two patches applied.",
         "workspace", []),
        ("Maintenance window: 14 November", "update", "Firewall firmware upgrade.",
         "workspace", []),
    ],
}


# Heading, bullet points and an optional callout (tone, title, text) for the demo pages.
PAGE_DETAILS = {
    "Tax season checklist": (
        "What we need from you",
        ["Bank and card statements for January to December",
         "Payroll summaries and P60s for every employee",
         "Receipts for equipment bought this year (the new oven counts)",
         "Your mileage log, if you used your own car for deliveries"],
        ("warning", "Deadline", "Please send everything by 15 March so that we can file "
                                "in April."),
    ),
    "Status update: March": (
        "Where things stand",
        ["Bookkeeping reconciled through February",
         "Two supplier invoices need a receipt: see your email",
         "Draft accounts expected in the first week of April"],
        ("success", "On track", "Nothing is blocking us at the moment."),
    ),
    "Payroll review notes": (
        "For the owner and CFO",
        ["Salary bands reviewed against the regional median",
         "Pension contributions rise to 5% from April",
         "Bonus pool proposal attached to the next update"],
        None,
    ),
    "Internal: engagement risk notes": (
        "Firm staff only",
        ["Fee recovery on last year's engagement was 82%",
         "Consider a fixed fee for next season"],
        None,
    ),
    "Campaign brief": (
        "The campaign at a glance",
        ["Audience: design-minded professionals aged 28 to 45",
         "Message: light that works as hard as you do",
         "Channels: Instagram, a launch event, two trade magazines"],
        ("info", "Your approval", "Tell us by Friday if the audience looks right."),
    ),
    "Statement of work": (
        "Deliverables",
        ["Campaign concept and key visual", "Six social posts a week for eight weeks",
         "Launch event on 24 April", "A results report two weeks after launch"],
        None,
    ),
    "Week 3 update": (
        "This week",
        ["Concepts approved on Tuesday", "Photo shoot booked for 2 April",
         "Event venue shortlist: three options, costs in the next update"],
        None,
    ),
    "October monitoring report": (
        "Summary",
        ["Uptime 99.98% across 42 monitored devices",
         "Two security patches applied to the file server",
         "One backup job retried after a network blip; verified the next morning"],
        ("success", "No action needed", "Everything is running as it should."),
    ),
    "Maintenance window: 14 November": (
        "What to expect",
        ["Firewall firmware upgrade from 22:00 to 23:30",
         "Internet access drops for about ten minutes during that time",
         "Remote staff should save their work and disconnect the VPN before 22:00"],
        ("warning", "Heads-up", "Tell us by 12 November if that evening does not suit you."),
    ),
}


def body_for(title, summary):
    details = PAGE_DETAILS.get(title)
    if details is None:
        return [("rich_text", f"<p>{summary}</p>")]
    heading, items, callout = details
    blocks = [
        ("heading", {"text": heading, "level": "h2"}),
        ("rich_text", "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"),
    ]
    if callout:
        blocks.append(("callout", {"tone": callout[0], "title": callout[1],
                                   "body": f"<p>{callout[2]}</p>"}))
    return blocks


def load_site(home, firm, users):
    home = home.specific
    if hasattr(home, "intro") and not home.intro:
        home.intro = HOME_INTRO
        home.save_revision().publish()
    privacy = ContentPage.objects.child_of(home).filter(slug="privacy").first()
    if privacy is None:
        privacy = home.add_child(instance=ContentPage(
            title="Privacy notice", slug="privacy", summary="How we handle your data.",
            body=[("rich_text", "<p>We keep your files in private storage and share them "
                                "only with the people you and we choose.</p>")]))
        privacy.save_revision().publish()
    links = [("Privacy", privacy, ""), ("Help centre", None, "https://example.com/help")]
    if not firm.menu_links.exists():
        for order, (label, page, url) in enumerate(links):
            FirmMenuLink.objects.create(settings=firm, label=label, link_page=page,
                                        link_url=url, sort_order=order)


def load(workspace, users, staff):
    for title, kind, summary, visibility, chosen in PAGES.get(workspace.slug, []):
        page = ContentPage.objects.child_of(workspace).filter(title=title).first()
        if page is None:
            page = workspace.add_child(instance=ContentPage(
                title=title, kind=kind, summary=summary, visibility=visibility,
                body=body_for(title, summary)))
        page.visible_to.set([users[email] for email in chosen])
        page.save_revision().publish()
