"""The WSGI entry point for gunicorn: ``gunicorn -c service/gunicorn_conf.py service.wsgi:app``.

Each worker imports this module once, so the model and the index are loaded
once per worker; a bad index raises here and stops the worker from booting.
"""

from service.app import create_app

app = create_app()
