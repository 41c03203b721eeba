from django_tasks import task

from payments import aca


# Urgent: keeps ACA in step with what the payer sees; never behind bulk jobs.
@task(priority=10)
def push_aca(option_id: int) -> None:
    """Mirror one option to ACA; on a transient failure, come back later."""
    retry_at = aca.push(option_id)
    if retry_at is not None:
        aca.enqueue(option_id, run_after=retry_at)
