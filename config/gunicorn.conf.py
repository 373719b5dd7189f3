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
