"""Stop `make test` early, with directions, when no PostgreSQL answers at DATABASE_URL."""

import os
import sys

import psycopg

url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
admin_url = url.rsplit("/", 1)[0] + "/postgres"
try:
    with psycopg.connect(admin_url, connect_timeout=3):
        pass
except psycopg.OperationalError as error:
    sys.exit(
        f"No PostgreSQL is reachable at {admin_url}:\n  {error}\n"
        "The tests run on PostgreSQL, as production does. Start one, for example:\n"
        "  Debian/Ubuntu:  sudo pg_ctlcluster 15 main start   (package postgresql)\n"
        "  Docker:         docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust "
        "postgres:16\n"
        "or point DATABASE_URL at one (postgres://USER:PASSWORD@HOST:PORT/NAME)."
    )
