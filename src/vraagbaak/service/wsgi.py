"""The WSGI entry point: ``gunicorn ... 'vraagbaak.service.wsgi:create()'`` (see ``GUNICORN_ARGS``).

Each gunicorn worker calls :func:`create` once, after the fork, so the model is loaded
once per worker, and the index with it and again for each new build (live reload: a
thread of the worker follows the index link, service/api.py AppState). The master has already checked the settings and
refused to start on a bad index (gunicorn_conf.on_starting); a worker that meets one
later (the index damaged under a running server, then a worker restart) starts
degraded: 503 with the reason on /readyz and the API, retrying, while the others serve.
"""

from __future__ import annotations

import sys

from flask import Flask

from vraagbaak.service.app import create_app
from vraagbaak.settings import Settings


def create() -> Flask:
    """The app of one worker, with the settings the gunicorn config read in the master (else from the environment)."""
    conf = sys.modules.get("vraagbaak.service.gunicorn_conf")
    settings = getattr(conf, "SETTINGS", None) or Settings.load()
    return create_app(settings, degrade=True)
