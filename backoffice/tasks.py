from django_tasks import task

from backoffice import imports


# Long jobs (a file of 100,000 rows): the bulk queue, never ahead of the urgent ones.
@task(queue_name="bulk")
def check_import(run_id: int) -> None:
    """Check an uploaded file: the report of every wrong row, nothing written."""
    imports.check(run_id)


@task(queue_name="bulk")
def write_import(run_id: int) -> None:
    """Write a confirmed file from where it got to (a restarted job skips what is done)."""
    imports.write(run_id)
