from django_tasks import task

from webhooks import delivery
from webhooks.publish import enqueue


# Low priority on the default queue: a payer's email or a receipt goes first; an Ente's
# system can wait a few seconds.
@task(priority=-10)
def deliver_webhook(delivery_id: int) -> None:
    """One attempt; on failure, come back at the back-off's time (``run_after``)."""
    retry_at = delivery.deliver(delivery_id)
    if retry_at is not None:
        enqueue(delivery_id, run_after=retry_at)
