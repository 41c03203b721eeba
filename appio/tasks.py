from django_tasks import task

from appio import sending


# Urgent: the citizen hears of the notice while it is news; never behind bulk jobs.
@task(priority=10)
def send_io_message(message_id: int) -> None:
    """One IO delivery attempt; on a transient failure, come back later."""
    retry_at = sending.send(message_id)
    if retry_at is not None:
        sending.enqueue(message_id, run_after=retry_at)


# Many messages at once (a bulk import): after the urgent work, one job per batch; a
# message that must wait (429, 5xx) gets its own retry job, as above.
@task(queue_name="bulk")
def send_io_batch(message_ids: list[int]) -> None:
    for message_id in message_ids:
        retry_at = sending.send(message_id)
        if retry_at is not None:
            sending.enqueue(message_id, run_after=retry_at)
