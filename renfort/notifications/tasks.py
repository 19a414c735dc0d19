from django_tasks import task

from .services import notification_deliver


@task()
def deliver_notification(notification_id: int) -> str:
    return notification_deliver(notification_id=notification_id)


@task()
def deliver_notifications(notification_ids: list[int]) -> list[str]:
    """The notifications recorded together (a booking's email and SMS): one task row instead
    of one per notification. Each send is safe to run twice, and a failure of one does not stop
    the others (it is recorded, and retried by `retry_notifications`)."""
    return [notification_deliver(notification_id=pk) for pk in notification_ids]
