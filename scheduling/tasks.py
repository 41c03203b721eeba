import logging
from io import StringIO

from django.core.management import call_command
from django_tasks import task

log = logging.getLogger(__name__)


@task()
def run_scheduled(name: str) -> str:
    """Run one scheduled command in the worker; its output goes to the log."""
    from scheduling.schedule import COMMANDS

    command, *arguments = COMMANDS[name]
    output = StringIO()
    try:
        call_command(command, *arguments, stdout=output, stderr=output)
    except SystemExit as exit_:
        # reconcile_payments exits 1 when there is something for staff to look at.
        if exit_.code:
            log.warning("Scheduled job %s: %s", name, output.getvalue().strip())
            return output.getvalue()
        raise
    text = output.getvalue().strip()
    if text:
        log.info("Scheduled job %s: %s", name, text)
    return output.getvalue()
