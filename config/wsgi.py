import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Fail at start-up, not with a 500 on every page, when static files were not collected.
from alongside.ops.checks import require_collected_static  # noqa: E402

require_collected_static()
