"""Gunicorn's settings for the web process: ``-c python:advisor.config.gunicorn``.

One worker process per core, each with a few threads: a request spends most of
its time in Python, so more processes than cores only add switching (measured
on 2 cores under the API bench: 2 workers x 4 threads answered 84-110 searches
a second where 4 x 2 answered 40-64, at 5.2 against 7.2-8.4 ms of gunicorn CPU
a request), while the threads cover the waits on PostgreSQL. Connections are
kept alive, as a CRM integration or a proxy reuses them. Each can be set from
the environment.
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS") or os.cpu_count() or 2)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 30)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
