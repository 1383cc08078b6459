"""The WSGI entry point for gunicorn: ``gunicorn -c service/gunicorn_conf.py service.wsgi:app``.

Each worker imports this module once, so the model and the index are loaded
once per worker. The master has already refused to start on a bad index
(gunicorn_conf.on_starting); a worker that meets one later (the index damaged
under a running server, then a worker restart) starts degraded: 503 with the
reason on /readyz and the API, retrying, while the other workers serve.
"""

from service.app import create_app

app = create_app(degrade=True)
