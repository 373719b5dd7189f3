"""The `alongside` command: Django's manage.py, with lean paths for pure commands.

`alongside continuity` is a pure computation over a file, so it runs without starting
Django at all; that keeps it close to the cost of reading the file (see bench/continuity.py).
Every other subcommand goes to Django's management machinery.
"""

import os
import sys

# Subcommands served by pure modules: name -> "module:function"; function(argv) -> exit status.
PURE_COMMANDS = {
    "continuity": "alongside.relationships.continuity_cli:main",
    "plan": "alongside.scheduling.planner.cli:main",
    "match": "alongside.connections.matcher.cli:main",
}
# Why `alongside demo` refuses with production settings (decision 0027); build_demo says it too.
DEMO_REFUSED = (
    "alongside demo makes logins that share a published password, so it runs only with "
    "DJANGO_DEBUG=true (as `make demo` sets it). To load the demo into a server with production "
    "settings anyway (a public demo site, never one with real people's data), set "
    "ALONGSIDE_DEMO_OUTSIDE_DEBUG=true."
)


def demo_refused() -> bool:
    """With production settings the demo app is not installed: say why instead of "Unknown
    command". Starts Django (the demo would anyway)."""
    import django
    from django.conf import settings

    django.setup()
    if settings.ALONGSIDE_DEMO:
        return False
    sys.stderr.write(f"CommandError: {DEMO_REFUSED}\n")
    return True


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in PURE_COMMANDS:
        module_name, function_name = PURE_COMMANDS[args[0]].split(":")
        module = __import__(module_name, fromlist=[function_name])
        return int(getattr(module, function_name)(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args[:1] == ["demo"] and demo_refused():
        return 2
    from django.core.management import execute_from_command_line

    from alongside.common.request_context import own_request_id

    with own_request_id("cli:"):  # ties one command's audit events together (decision 0007)
        execute_from_command_line(["alongside", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
