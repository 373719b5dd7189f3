"""gunicorn's settings for Alongside: `gunicorn -c config/gunicorn.conf.py config.wsgi` (docs/deploy.md).

The access log says who asked (the proxy's address: the client's is in the app's own JSON log
line with the same request id), what (method and path: never the query string, the referrer or
a one-time link's token; `alongside/ops/gunicorn_logging.py`), the answer, its size, how long it
took in milliseconds, and the request id from the `X-Request-Id` header.
"""

bind = "127.0.0.1:8000"
workers = 3
timeout = 60
accesslog = "-"
errorlog = "-"
logger_class = "alongside.ops.gunicorn_logging.AccessLogger"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'


def pre_fork(server: object, worker: object) -> None:
    """No database connection crosses a fork (decision 0141). Workers keep their connection
    between requests, so one the master opened while loading the app (`--preload`) would
    otherwise be shared by every worker: a SQLite handle must never be used in two processes,
    and two processes on one PostgreSQL socket corrupt each other's messages. Closing in the
    master, before each fork, leaves each worker to open its own. Without `--preload` the master
    has not set Django up, and holds no connection."""
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


def post_worker_init(worker: object) -> None:
    """Each worker loads every URL module and view before its first request, then moves
    everything loaded so far out of the garbage collector's sight (`gc.freeze`, decision 0137).

    A full collection walks every object the process holds; the app's modules, templates and
    URL patterns are about 120,000 that live as long as the worker, and walking them again and
    again was up to a third of a slow request's time (the matching page: p95 444 and 531 ms
    against 350 and 312 ms frozen, 100,000-person demo). With `--preload` the master has loaded
    them already and the worker's pages stay shared with it instead of being copied as the
    collector touches them."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URL modules and their views
    gc.collect()
    gc.freeze()
