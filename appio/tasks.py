from django_tasks import task

from appio import sending


# Urgent: the citizen hears of the notice while it is news; never behind bulk jobs.
@task(priority=10)
def send_io_message(message_id: int) -> None:
    """One IO delivery attempt; on a transient failure, come back later."""
    retry_at = sending.send(message_id)
    if retry_at is not None:
        sending.enqueue(message_id, run_after=retry_at)
