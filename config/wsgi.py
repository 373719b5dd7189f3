import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Fail at start-up, not with a 500 on every page, when static files were not collected, and not
# at someone's sign-in when the key for the two-step secrets is missing (decision 0029).
from alongside.accounts.keys import require_mfa_key  # noqa: E402
from alongside.ops.checks import require_collected_static  # noqa: E402

require_mfa_key()
require_collected_static()
