"""The HTTP service: answers over an index that ``vraagbaak.index`` built, and serves the widget."""

#: How the production server is started (make serve-prod, the Dockerfile, the tests and the benchmark).
GUNICORN_ARGS = ("-c", "python:vraagbaak.service.gunicorn_conf", "vraagbaak.service.wsgi:create()")
