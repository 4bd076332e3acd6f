"""What does serving client files cost?

In one run, against a separate PostgreSQL database (BENCH_DATABASE_URL, default
portal_bench_files) and a private directory (BENCH_PRIVATE_ROOT, default
/tmp/portal-bench-private), this prints:

1. the memory growth of the gunicorn worker while it streams a 1 GiB file to a contact
   through the permission-checked download view (target: under 10 MB), and its throughput;
2. the throughput of nginx serving the same file straight from disk, for comparison, and of
   the download view behind nginx with X-Accel-Redirect (the view checks, nginx sends);
3. the time to list a folder of 10,000 files for a contact who sees it through a per-folder
   grant (first page, in-process and over HTTP), and its query count.

    .venv/bin/python bench/files.py [--size-mib 1024] [--rounds 3]

Needs nginx on the PATH (Debian's `nginx` package) for the comparison rows. Only loopback is
used. This is not a test: it prints figures.
"""

import argparse
import contextlib
import hashlib
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("BENCH_DATABASE_URL",
                      "postgres://postgres@127.0.0.1:5432/portal_bench_files")
os.environ.setdefault("BENCH_PRIVATE_ROOT", "/tmp/portal-bench-private")

from bench.spine import ensure_database, free_port, start_gunicorn, stop  # noqa: E402

SLUG = "bench-files"
LISTED_FILES = 10_000
BIG_NAME = "bench/big-file.bin"


# ------------------------------------------------------------------------------ data

def write_big_file(path, size_mib):
    """`size_mib` MiB of incompressible bytes, and their SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(1024 * 1024)
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for _ in range(size_mib):
            out.write(block)
            digest.update(block)
    return digest.hexdigest()


def load(size_mib):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Page, Site

    from documents import services
    from documents.models import File, FileVersion, Folder
    from portal_pages.models import PortalHomePage
    from workspaces.models import Membership, User, WorkspacePage

    call_command("migrate", verbosity=0, interactive=False)
    big_path = Path(settings.PRIVATE_MEDIA_ROOT) / BIG_NAME
    if big_path.exists() and big_path.stat().st_size != size_mib * 1024 * 1024:
        big_path.unlink()
    workspace = WorkspacePage.objects.filter(slug=SLUG).first()
    if workspace is None or not big_path.exists():
        WorkspacePage.objects.filter(slug=SLUG).delete()
        print(f"Loading: a workspace, {LISTED_FILES:,} files in one folder, a {size_mib} MiB "
              "file...")
        root = Page.get_first_root_node()
        home = PortalHomePage.objects.first() or root.add_child(
            instance=PortalHomePage(title="Bench portal", slug="bench-home"))
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        site.hostname, site.port, site.root_page = "127.0.0.1", 80, home
        site.save()
        workspace = home.add_child(instance=WorkspacePage(title="Bench files", slug=SLUG))
        workspace.enabled_tools = ["files", "approvals"]
        workspace.save_revision().publish()
        workspace.refresh_from_db()
        contact, _created = User.objects.get_or_create(email="cfo@bench.example",
                                                       defaults={"first_name": "Casey"})
        Membership.objects.get_or_create(workspace=workspace, user=contact)
        # The CFO sees this folder through a grant to them personally.
        mine = {"everyone": False, "users": {contact.pk}}
        listed = services.create_folder(workspace, "Ledger exports", grants={"view": mine})
        services.create_folder(workspace, "Someone else's", grants={"view": {"everyone": False}})
        now = timezone.now()
        File.objects.bulk_create([
            File(workspace=workspace, folder=listed, name=f"ledger-{i:05}.csv", size=1000 + i,
                 content_type="text/csv", updated_at=now)
            for i in range(LISTED_FILES)
        ], batch_size=2000)
        media = services.create_folder(workspace, "Recordings", grants={"view": mine})
        sha = write_big_file(big_path, size_mib)
        big = File.objects.create(workspace=workspace, folder=media, name="all-hands.bin",
                                  size=big_path.stat().st_size,
                                  content_type="application/octet-stream")
        version = FileVersion.objects.create(
            file=big, number=1, blob=BIG_NAME, original_name="all-hands.bin",
            size=big.size, content_type=big.content_type, sha256=sha)
        big.current_version = version
        big.save()
    contact = User.objects.get(email="cfo@bench.example")
    listed = Folder.objects.get(workspace=workspace, name="Ledger exports")
    big = File.objects.get(workspace=workspace, name="all-hands.bin")
    return workspace, contact, listed, big, big_path


def session_cookie(contact):
    from django.test import Client

    client = Client()
    client.force_login(contact, backend="django.contrib.auth.backends.ModelBackend")
    return client, client.cookies["sessionid"].value


# ------------------------------------------------------------------------------ measuring

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def worker_pids(master):
    out = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def download(port, path, cookie=None, watch_pid=None):
    """GET `path` with curl (so that the client is not the bottleneck), discarding the body:
    (bytes, seconds, peak RSS growth of `watch_pid` in KiB)."""
    peak = [0]
    base = rss_kib(watch_pid) if watch_pid else 0
    command = ["curl", "-s", "-f", "-o", "/dev/null", "-w", "%{size_download} %{time_total}",
               "-H", "Host: 127.0.0.1", f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-b", f"sessionid={cookie}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    while process.poll() is None:
        if watch_pid:
            with contextlib.suppress(FileNotFoundError):
                peak[0] = max(peak[0], rss_kib(watch_pid) - base)
        time.sleep(0.01)
    out = process.stdout.read()
    if process.returncode != 0:
        raise RuntimeError(f"GET {path}: curl exit {process.returncode}")
    size, seconds = out.split()
    return int(size), float(seconds), peak[0]


NGINX_CONF = """
worker_processes 1;
daemon off;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    sendfile on;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{static_port};
        location /raw/ {{ alias {root}/; }}
    }}
    server {{
        listen 127.0.0.1:{proxy_port};
        location /_private/ {{ internal; alias {root}/; }}
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host 127.0.0.1;
        }}
    }}
}}
"""


def start_nginx(root, app_port):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if nginx is None:
        return None, None, None, None
    prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    static_port, proxy_port = free_port(), free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=prefix, root=root, static_port=static_port,
                                      proxy_port=proxy_port, app_port=app_port))
    process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(prefix)])
    time.sleep(0.5)
    if process.poll() is not None:
        print((prefix / "error.log").read_text())
        raise RuntimeError("nginx did not start")
    return process, static_port, proxy_port, prefix


def listing_figures(client, url, expect, rounds=20):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # read now: later requests may reset the log
    assert response.status_code == 200, response.status_code
    assert expect in response.content.decode()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return queries, statistics.median(times) * 1000


def http_median_ms(port, url, cookie, rounds=30):
    times = []
    for _ in range(rounds):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        conn.request("GET", url, headers={"Host": "127.0.0.1",
                                          "Cookie": f"sessionid={cookie}"})
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        conn.close()
        assert response.status == 200, response.status
    return statistics.median(times) * 1000


def mb_s(size, seconds):
    return size / seconds / 1e6


# ------------------------------------------------------------------------------ main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="size of the big file")
    parser.add_argument("--rounds", type=int, default=3, help="downloads per server")
    args = parser.parse_args()

    ensure_database()
    workspace, contact, listed, big, big_path = load(args.size_mib)
    from django.conf import settings
    from django.urls import reverse

    client, cookie = session_cookie(contact)
    download_url = reverse("documents:file_download", args=[workspace.slug, big.pk])
    folder_url = reverse("documents:folder", args=[workspace.slug, listed.pk])
    size = big_path.stat().st_size

    print(f"\nFile: {size / 2**20:,.0f} MiB; {args.rounds} downloads per server; "
          f"1 gunicorn sync worker.\n")
    rows = []

    app_port = free_port()
    app = start_gunicorn(app_port, 1)
    try:
        worker = worker_pids(app)[0]
        download(app_port, download_url, cookie)  # warm-up: imports, connections
        growth, speeds = [], []
        for _ in range(args.rounds):
            received, seconds, peak = download(app_port, download_url, cookie, worker)
            assert received == size, (received, size)
            growth.append(peak)
            speeds.append(mb_s(received, seconds))
        rows.append(("download view, gunicorn streaming", max(speeds), max(growth)))
        listing_http = http_median_ms(app_port, folder_url, cookie)
    finally:
        stop(app)

    os.environ["PORTAL_X_ACCEL_REDIRECT"] = "/_private/"
    accel_port = free_port()
    accel = start_gunicorn(accel_port, 1)
    os.environ.pop("PORTAL_X_ACCEL_REDIRECT")
    nginx, static_port, proxy_port, prefix = start_nginx(settings.PRIVATE_MEDIA_ROOT,
                                                         accel_port)
    try:
        if nginx is None:
            print("nginx not found: the comparison rows are left out.")
        else:
            speeds = [mb_s(*download(static_port, f"/raw/{BIG_NAME}")[:2])
                      for _ in range(args.rounds)]
            rows.append(("nginx static, same file", max(speeds), None))
            worker = worker_pids(accel)[0]
            download(proxy_port, download_url, cookie)  # warm-up, as for the first server
            growth, speeds = [], []
            for _ in range(args.rounds):
                received, seconds, peak = download(proxy_port, download_url, cookie, worker)
                assert received == size, (received, size)
                growth.append(peak)
                speeds.append(mb_s(received, seconds))
            rows.append(("download view + nginx X-Accel-Redirect", max(speeds), max(growth)))
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
            shutil.rmtree(prefix, ignore_errors=True)
        stop(accel)

    print(f"{'server':44} {'MB/s':>9} {'worker RSS growth':>18}")
    for label, speed, growth_kib in rows:
        grown = "-" if growth_kib is None else f"{growth_kib / 1024:.1f} MiB"
        print(f"{label:44} {speed:9.0f} {grown:>18}")
    if nginx is not None:
        ratio = rows[0][1] / rows[1][1]
        print(f"\ngunicorn streaming reaches {ratio:.0%} of nginx's throughput.")

    queries, in_process = listing_figures(client, folder_url, "ledger-00000.csv")
    search_url = reverse("documents:search", args=[workspace.slug]) + "?q=ledger-0999"
    search_queries, search_ms = listing_figures(client, search_url, "ledger-09990.csv")
    print(f"\nFolder of {LISTED_FILES:,} files, contact with a per-folder grant, first page:")
    print(f"  in-process median {in_process:.1f} ms, {queries} queries; "
          f"over HTTP (gunicorn) median {listing_http:.1f} ms")
    print(f"Search by name in that folder: median {search_ms:.1f} ms, {search_queries} queries")


if __name__ == "__main__":
    main()
