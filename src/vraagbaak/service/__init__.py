"""The HTTP service: answers over an index that ``vraagbaak.index`` built, and serves the widget."""

#: gunicorn's config module and the app factory: how the production server is started (make serve-prod,
#: the Dockerfile, the tests and the benchmark). Extra gunicorn flags go between the two.
GUNICORN_CONFIG = ("-c", "python:vraagbaak.service.gunicorn_conf")
GUNICORN_APP = "vraagbaak.service.wsgi:create()"
GUNICORN_ARGS = (*GUNICORN_CONFIG, GUNICORN_APP)
