from django_tasks import task

from payments import aca


# Urgent: keeps ACA in step with what the payer sees; never behind bulk jobs.
@task(priority=10)
def push_aca(option_id: int) -> None:
    """Mirror one option to ACA; on a transient failure, come back later."""
    retry_at = aca.push(option_id)
    if retry_at is not None:
        aca.enqueue(option_id, run_after=retry_at)


# A batch of new positions (an import, the API's bulk create): on the bulk queue, so a
# thousand pushes never hold up the urgent ones; each failure comes back on its own.
@task(queue_name="bulk")
def push_aca_many(option_ids: list[int]) -> None:
    """Mirror each option of a batch to ACA, retrying the failures one by one."""
    for option_id in option_ids:
        push_aca.func(option_id)
