"""How much does the spine (membership, grants, branded shell) cost a page view?

Loads 1,000 workspaces with 20 contacts each into a separate PostgreSQL database (once),
then, in one run against one gunicorn server, compares the requests per second of
(a) a workspace dashboard seen by its contact and
(b) a plain public ContentPage directly under the portal home, of similar weight,
and counts the queries of each in-process with Django's test client.

    .venv/bin/python bench/spine.py [--requests 500] [--concurrency 4] [--workers 2]

The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench),
created when missing. Only loopback is used. This is not a test: it prints figures.
"""

import argparse
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

N_WORKSPACES = 1000
CONTACTS_PER_WORKSPACE = 20
PAGES_PER_WORKSPACE = 3
STAFF = 5
HOME_SLUG = "bench-portal"
PLAIN_SLUG = "about-the-firm"


# ------------------------------------------------------------------------------ database

def ensure_database():
    import psycopg
    from psycopg import sql

    from bench.settings import DATABASES

    db = DATABASES["default"]
    conninfo = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432,
                "user": db["USER"], "dbname": "postgres"}
    if db["PASSWORD"]:
        conninfo["password"] = db["PASSWORD"]
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [db["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"Created database {db['NAME']}.")
    return db["NAME"]


def body(title, summary):
    return [
        ("heading", {"text": title, "level": "h2"}),
        ("rich_text", f"<p>{summary}</p><p>Questions? Reply to your account manager or use "
                      "the menu above. We keep every document of the engagement here, with "
                      "the latest version first.</p>"),
        ("callout", {"tone": "info", "title": "Next step",
                     "body": "<p>We will post the next update here within a week.</p>"}),
    ]


def load():
    """1,000 workspaces x (20 contacts, 3 content pages, a team member, a menu link)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page, Site
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from portal_pages.models import ContentPage, PortalHomePage
    from workspaces.grants import sync_subtree_grants
    from workspaces.models import (
        FirmMenuLink,
        FirmSettings,
        Membership,
        WorkspaceMenuLink,
        WorkspacePage,
        WorkspaceTeamMember,
    )

    if PortalHomePage.objects.filter(slug=HOME_SLUG).exists():
        print("Bench data already loaded.")
        return
    User = get_user_model()
    started = time.perf_counter()
    now = timezone.now()
    live = {"live": True, "has_unpublished_changes": False, "first_published_at": now,
            "last_published_at": now}
    with transaction.atomic(), disable_reference_index_auto_update():
        root = Page.get_first_root_node()
        home = root.add_child(instance=PortalHomePage(title="Bench Advisory", slug=HOME_SLUG,
                                                      **live))
        site = Site.objects.get(is_default_site=True)
        site.root_page, site.hostname, site.port = home, "127.0.0.1", 80
        site.save()
        firm = FirmSettings.for_site(site)
        firm.platform_name = "Bench Advisers Portal"
        firm.save()

        # The plain page: public, directly under the home, with a body like the workspace
        # pages and three sub-pages, as the dashboard lists three pages.
        plain = home.add_child(instance=ContentPage(
            title="About the firm", slug=PLAIN_SLUG, summary="Who we are and how we work.",
            body=body("About the firm", "Who we are and how we work."), **live))
        for k in range(PAGES_PER_WORKSPACE):
            plain.add_child(instance=ContentPage(
                title=f"About: part {k + 1}", slug=f"part-{k + 1}", summary="More about us.",
                body=body(f"Part {k + 1}", "More about us."), **live))
        FirmMenuLink.objects.bulk_create([
            FirmMenuLink(settings=firm, label="About", link_page=plain, sort_order=0),
            FirmMenuLink(settings=firm, label="Help", link_url="https://example.com/help",
                         sort_order=1),
        ])

        staff = User.objects.bulk_create([
            User(email=f"staff{i}@bench-firm.test", first_name="Staff", last_name=f"{i}",
                 is_staff=True, password="!") for i in range(STAFF)
        ])
        contacts = User.objects.bulk_create(
            [User(email=f"c{w:04}-{i:02}@bench-client.test", first_name=f"Contact{i}",
                  last_name=f"W{w:04}", password="!")
             for w in range(N_WORKSPACES) for i in range(CONTACTS_PER_WORKSPACE)],
            batch_size=2000,
        )
        print(f"  {len(contacts)} contacts in {time.perf_counter() - started:.0f}s")

        memberships, group_links, team, links = [], [], [], []
        GroupLink = User.groups.through
        for w in range(N_WORKSPACES):
            ws = home.add_child(instance=WorkspacePage(
                title=f"Client {w:04}", slug=f"client-{w:04}",
                welcome="<p>Welcome to your workspace.</p>", **live))
            members = contacts[w * CONTACTS_PER_WORKSPACE:(w + 1) * CONTACTS_PER_WORKSPACE]
            for user in members:
                memberships.append(Membership(workspace=ws, user=user, title="Contact"))
                group_links.append(GroupLink(user_id=user.pk, group_id=ws.client_group_id))
            team.append(WorkspaceTeamMember(page=ws, user=staff[w % STAFF],
                                            role="Account manager", sort_order=0))
            links.append(WorkspaceMenuLink(page=ws, label="Book a call",
                                           link_url="https://example.com/book", sort_order=0))
            for k in range(PAGES_PER_WORKSPACE):
                selected = k == PAGES_PER_WORKSPACE - 1
                page = ContentPage(
                    title=f"Client {w:04} update {k + 1}", slug=f"update-{k + 1}",
                    summary="Where things stand this month.",
                    body=body(f"Update {k + 1}", "Where things stand this month."),
                    visibility="selected" if selected else "workspace", **live)
                if selected:  # half the workspace's contacts, the first one among them
                    page.visible_to = members[: CONTACTS_PER_WORKSPACE // 2]
                ws.add_child(instance=page)
                sync_subtree_grants(page)
            if (w + 1) % 200 == 0:
                print(f"  {w + 1} workspaces in {time.perf_counter() - started:.0f}s")
        Membership.objects.bulk_create(memberships, batch_size=5000)
        GroupLink.objects.bulk_create(group_links, batch_size=5000)
        WorkspaceTeamMember.objects.bulk_create(team)
        WorkspaceMenuLink.objects.bulk_create(links)
    print(f"Loaded in {time.perf_counter() - started:.0f}s.")


# ------------------------------------------------------------------------------ subjects

def subjects():
    """The URLs to compare, a session for the contact, and the queries of each."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal_pages.models import ContentPage
    from workspaces.middleware import LOGIN_METHOD_SESSION_KEY, METHOD_MAGIC_LINK
    from workspaces.models import WorkspacePage

    workspace = WorkspacePage.objects.get(slug=f"client-{N_WORKSPACES // 2:04}")
    contact = workspace.memberships.select_related("user").order_by("user__email")[0].user
    plain = ContentPage.objects.get(slug=PLAIN_SLUG)
    client = Client()
    client.force_login(contact, backend="django.contrib.auth.backends.ModelBackend")
    # The mark the portal's own login leaves: without it PortalMiddleware ends the session.
    session = client.session
    session[LOGIN_METHOD_SESSION_KEY] = METHOD_MAGIC_LINK
    session.save()
    anonymous = Client()

    def queries(http, url, expect):
        http.get(url)  # warm-up: site root paths, cached session
        with CaptureQueriesContext(connection) as ctx:
            response = http.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert expect in response.content.decode(), (url, expect)
        return len(ctx.captured_queries), len(response.content)

    rows = [
        ("workspace dashboard (contact)", workspace.url, True, workspace.title),
        ("plain public page (anonymous)", plain.url, False, plain.title),
        ("plain public page (contact)", plain.url, True, plain.title),
    ]
    out = []
    for label, url, logged_in, expect in rows:
        count, size = queries(client if logged_in else anonymous, url, expect)
        out.append({"label": label, "url": url, "logged_in": logged_in, "expect": expect,
                    "queries": count, "bytes": size})
    return out, client.cookies["sessionid"].value, contact


# ------------------------------------------------------------------------------ server

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, workers):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings")
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "portal_site.wsgi:application",
         "--chdir", str(ROOT), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "sync", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def drive(port, url, cookie, expect, count, concurrency):
    """`count` GETs over `concurrency` threads: (wall-clock seconds, per-request seconds)."""
    remaining = [count]
    lock = threading.Lock()
    failures, latencies = [], []
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    needle = expect.encode()

    def worker():
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            began = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.status != 200 or needle not in data:
                    failures.append(response.status)
            finally:
                conn.close()
            latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} bad responses for {url}: {failures[:5]}")
    return elapsed, latencies


# ------------------------------------------------------------------------------ main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="per page (default 500)")
    parser.add_argument("--warmup", type=int, default=50, help="per page (default 50)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--rounds", type=int, default=5,
                        help="the requests are split in rounds, alternating the pages, so "
                             "that background load hits them alike")
    args = parser.parse_args()

    name = ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
    rows, session, contact = subjects()

    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        for row in rows:
            drive(port, row["url"], session if row["logged_in"] else None, row["expect"],
                  args.warmup, args.concurrency)
            row["seconds"], row["latencies"] = 0.0, []
        per_round = max(1, args.requests // args.rounds)
        for _round in range(args.rounds):
            for row in rows:
                seconds, latencies = drive(port, row["url"],
                                           session if row["logged_in"] else None,
                                           row["expect"], per_round, args.concurrency)
                row["seconds"] += seconds
                row["latencies"] += latencies
        total = per_round * args.rounds
    finally:
        stop(server)

    for row in rows:
        row["rps"] = total / row["seconds"]
    ws, plain_anon, plain_contact = rows
    print()
    print(f"Spine benchmark: database {name}, {N_WORKSPACES} workspaces x "
          f"{CONTACTS_PER_WORKSPACE} contacts, {PAGES_PER_WORKSPACE} pages each")
    print(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}; client: "
          f"{args.concurrency} threads, {total} requests per page after {args.warmup} "
          f"warm-up, {args.rounds} alternating rounds; contact {contact.email}")
    print()
    header = (f"{'page':<32}{'url':<22}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
              f"{'queries':>9}{'bytes':>8}")
    print(header)
    print("-" * len(header))
    for row in rows:
        lat = sorted(row["latencies"])
        p50, p95 = lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.95)] * 1000
        print(f"{row['label']:<32}{row['url']:<22}{row['rps']:>8.1f}{p50:>8.1f}{p95:>8.1f}"
              f"{row['queries']:>9}{row['bytes']:>8}")
    print("-" * len(header))
    ratio = ws["rps"] / plain_anon["rps"]
    print(f"ratio workspace / plain (anonymous): {ratio:.2f}  "
          f"(target >= 0.80: {'met' if ratio >= 0.8 else 'NOT met'})")
    print(f"ratio workspace / plain (same contact): {ws['rps'] / plain_contact['rps']:.2f}")
    print("Queries per request counted in-process (test client, after one warm-up request;"
          " sessions are cached_db as in production).")


if __name__ == "__main__":
    main()
