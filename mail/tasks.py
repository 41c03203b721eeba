from django_tasks import task

from mail.outbox import deliver


@task()
def deliver_email(email_id: int) -> bool:
    """Worker entry point: one delivery attempt (retries are scheduled by the sweeper)."""
    return deliver(email_id)
