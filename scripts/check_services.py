"""Fail loudly when PostgreSQL or Redis is not there: tests never skip for a missing service."""

import os
import sys
from urllib.parse import urlparse


def main() -> int:
    problems = []
    db = os.environ.get("DATABASE_URL", "")
    if not db.startswith(("postgres://", "postgresql://")):
        problems.append(f"DATABASE_URL must name PostgreSQL for the tests, got {db!r}")
    else:
        import psycopg

        url = urlparse(db)
        try:
            psycopg.connect(
                host=url.hostname,
                port=url.port or 5432,
                user=url.username,
                password=url.password,
                dbname="postgres",
                connect_timeout=5,
            ).close()
        except psycopg.OperationalError as exc:
            problems.append(f"PostgreSQL at {url.hostname}:{url.port or 5432} is unreachable: {exc}")
    redis_url = os.environ.get("REDIS_URL", "")
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except Exception as exc:  # any failure to reach it is the same problem for us
        problems.append(f"Redis at {redis_url!r} is unreachable: {exc}")
    for problem in problems:
        print(f"check_services: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
