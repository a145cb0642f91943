"""The WSGI application gunicorn serves (`gunicorn gauntlet.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gauntlet.settings")

application = get_wsgi_application()
