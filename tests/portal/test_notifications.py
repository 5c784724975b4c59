import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal import notifications
from portal.enums import OutboxStatus
from portal.models import OutboxMessage
from tests.factories import UserFactory


pytestmark = pytest.mark.django_db


def queue_test_email(to="lina@example.org", **kwargs):
    return notifications.queue_email(
        to=to,
        template="portal/email/account_deletion_requested",
        context={"user": UserFactory.build(first_name="Lina"), "grace_days": 30},
        **kwargs,
    )


def test_message_is_delivered_only_after_the_transaction_commits(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = queue_test_email()
    assert message.status == OutboxStatus.PENDING and mailoutbox == []

    callbacks[0]()

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.sent_at and message.attempts == 1
    [email] = mailoutbox
    assert email.to == ["lina@example.org"]
    assert email.subject == "Votre compte a été fermé" or email.subject.strip()
    assert email.extra_headers["X-Outbox-Id"] == str(message.pk)


def test_message_is_rendered_in_the_recipients_language():
    user = UserFactory(language="en")
    message = notifications.queue_email(
        to=user.email,
        template="portal/email/account_deletion_requested",
        context={"user": user, "grace_days": 30},
        user=user,
    )
    assert message.language == "en"
    assert "Your account has been closed" in message.subject
    assert "Département d'Ille-et-Vilaine" in message.body_text  # text emails are not HTML-escaped


def test_delivering_twice_sends_once(mailoutbox):
    message = queue_test_email()
    assert notifications.deliver_message(message_id=message.pk) == OutboxStatus.SENT
    assert notifications.deliver_message(message_id=message.pk) is None
    assert len(mailoutbox) == 1


def test_failed_delivery_is_retried_with_backoff_then_marked_failed(settings, monkeypatch, mailoutbox):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = queue_test_email()

    def broken_send(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    before = timezone.now()
    notifications.deliver_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "SMTP server down" in message.last_error
    assert message.next_attempt_at >= before + notifications.retry_delay(1)
    assert notifications.retry_delay(2) == 2 * notifications.retry_delay(1)
    assert not OutboxMessage.objects.due().exists()  # not before its next attempt time

    for _ in range(2):
        notifications.deliver_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert mailoutbox == []


def test_sms_goes_through_the_configured_backend(caplog):
    message = notifications.queue_message(
        channel="sms", recipient="+33612345678", template="test", body_text="Votre rendez-vous est confirmé."
    )
    with caplog.at_level("INFO", logger="portal.sms"):
        notifications.deliver_message(message_id=message.pk)
    assert "SMS to +33612345678: Votre rendez-vous est confirmé." in caplog.text
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


@pytest.fixture
def rq_queue(settings):
    """Switch tasks to the RQ backend on the test Redis database, and empty it before and after."""
    from redis import Redis

    connection = Redis.from_url(settings.REDIS_URL)
    try:
        connection.ping()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis is not reachable at {settings.REDIS_URL} ({error}); run the README test command")
    connection.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield connection
    connection.flushdb()


def run_worker(connection):
    """Run an RQ worker in this process until the queue is empty (as `manage.py rqworker --burst`)."""
    from django_tasks_rq import Job
    from rq import Queue, SimpleWorker

    queue = Queue("default", connection=connection, job_class=Job)
    SimpleWorker([queue], connection=connection, job_class=Job).work(burst=True)


def test_message_written_while_the_queue_is_down_is_delivered_once_it_is_back(
    settings, rq_queue, mailoutbox, django_capture_on_commit_callbacks
):
    working_queues = settings.RQ_QUEUES
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}}  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_test_email()
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING  # written, not lost, not sent

    settings.RQ_QUEUES = working_queues
    call_command("run_periodic_jobs", only=["portal.jobs.requeue_pending_outbox"])
    call_command("run_periodic_jobs", only=["portal.jobs.requeue_pending_outbox"])  # a second timer tick
    run_worker(rq_queue)

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(mailoutbox) == 1

    call_command("run_periodic_jobs", only=["portal.jobs.requeue_pending_outbox"])
    run_worker(rq_queue)
    assert len(mailoutbox) == 1  # never twice
    assert mail.outbox[0].to == ["lina@example.org"]


def test_a_bulk_of_messages_goes_to_the_queue_in_batches_and_each_is_sent_once(
    rq_queue, mailoutbox, django_capture_on_commit_callbacks
):
    from rq import Queue

    user = UserFactory.build(first_name="Lina")
    messages = [
        notifications.render_email(
            to=f"p{n}@example.org",
            template="portal/email/account_deletion_requested",
            context={"user": user, "grace_days": 30},
        )  # fmt: skip
        for n in range(120)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        notifications.queue_messages(messages)
    assert Queue("default", connection=rq_queue).count == 3  # batches of 50, 50 and 20
    run_worker(rq_queue)
    assert sorted(email.to[0] for email in mailoutbox) == sorted(f"p{n}@example.org" for n in range(120))
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()

    # A batch run again (a worker killed after sending, the job re-queued) sends nothing twice.
    from portal.tasks import deliver_outbox_messages

    deliver_outbox_messages.enqueue(list(OutboxMessage.objects.values_list("pk", flat=True)))
    run_worker(rq_queue)
    assert len(mailoutbox) == 120
