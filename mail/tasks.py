from django_tasks import task

from mail.outbox import deliver


# Urgent: a payer waits for this email; bulk jobs (ZIPs) run on their own queue.
@task(priority=10)
def deliver_email(email_id: int) -> bool:
    """Worker entry point: one delivery attempt (retries are scheduled by the sweeper)."""
    return deliver(email_id)
