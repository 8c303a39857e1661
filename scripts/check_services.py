"""Check that PostgreSQL and Redis answer; optionally create the database. One sentence when something is down."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse


def main() -> int:
    create_db = "--create-db" in sys.argv
    db_url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding"))
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    host, port = db_url.hostname or "127.0.0.1", db_url.port or 5432
    name = db_url.path.lstrip("/") or "safeguarding"
    try:
        import psycopg

        conn = psycopg.connect(
            host=host,
            port=port,
            user=db_url.username or "postgres",
            password=db_url.password or None,
            dbname="postgres",
            connect_timeout=3,
            autocommit=True,
        )
    except Exception as exc:
        print(
            f"PostgreSQL is not reachable at {host}:{port} ({exc.__class__.__name__}): start PostgreSQL "
            "(for example 'sudo service postgresql start', or 'docker compose up -d postgres') "
            "and run the command again.",
            file=sys.stderr,
        )
        return 1
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists and create_db:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:
        print(
            f"Redis is not reachable at {redis_url} ({exc.__class__.__name__}): start Redis (for example "
            "'redis-server --daemonize yes', or 'docker compose up -d redis') and run the command again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
