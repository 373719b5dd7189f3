"""Checking and writing a large import in the background (Django's task framework, database
backend, `alongside db_worker`): the page polls the run's progress meanwhile."""

from django.tasks import task

from alongside.common.request_context import own_request_id
from alongside.imports import services


@task
def check_import(run_id: int) -> str:
    with own_request_id("task:"):
        services.check_run(run_id)
    return "checked"


@task
def write_import(run_id: int) -> str:
    with own_request_id("task:"):
        services.write_run(run_id)
    return "written"
