"""ASGI entry point, for an ASGI server; like wsgi.py it defaults to production settings."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings.production")
application = get_asgi_application()
