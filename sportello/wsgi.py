"""WSGI entry point (gunicorn sportello.wsgi).

Defaults to the production settings: a server started without DJANGO_SETTINGS_MODULE
must not run with development defaults. ``manage.py serve`` (make run) passes its own."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings.production")
application = get_wsgi_application()
