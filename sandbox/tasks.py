from django_tasks import task

from sandbox import node


# Urgent, like a real receipt: never behind bulk jobs (ZIPs have their own queue).
@task(priority=10)
def deliver_receipt(delivery_id: int) -> None:
    """The Node sends one receipt; if the Ente does not take it, it comes back later."""
    retry_at = node.deliver(delivery_id)
    if retry_at is not None:
        node.enqueue(delivery_id, retry_at)
