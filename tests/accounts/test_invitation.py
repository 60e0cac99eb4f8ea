"""Invitations to choose a password, for accounts made for someone (bulk import), and bulk writes of accounts."""

import datetime
import re

from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

import pytest

from lms.accounts.api import user_bulk_upsert, user_invitation_send, user_invitations_send_later
from lms.accounts.factories import SponsoringProgramFactory, UserFactory
from lms.accounts.models import User
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitee(db):
    """An account made for someone: no usable password, never signed in, not invited yet."""
    user = UserFactory(email="amina.diallo@example.org", first_name="Amina", last_name="Diallo", roles=[Role.STUDENT])
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)


def test_user_invitation_send_emails_a_link_that_sets_the_password(client, invitee):
    assert user_invitation_send(user_id=invitee.pk) is True

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina.diallo@example.org"]
    assert "choose a password" in message.subject
    assert "amina.diallo@example.org" in message.body
    form_url = client.get(_link(message), follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a long new passphrase", "new_password2": "a long new passphrase"}
    )
    assert response.status_code == 302
    invitee.refresh_from_db()
    assert invitee.check_password("a long new passphrase")
    assert invitee.invited_at is not None


def test_user_invitation_send_sends_once_however_often_it_runs(invitee):
    assert user_invitation_send(user_id=invitee.pk) is True
    assert user_invitation_send(user_id=invitee.pk) is False
    assert len(mail.outbox) == 1


def test_user_invitation_task_sends_once_through_celery(invitee, django_capture_on_commit_callbacks):
    # Celery runs eagerly in tests: the task and its fan-out run when the transaction commits.
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            user_invitations_send_later(user_ids=[invitee.pk])
        assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    invitee.refresh_from_db()
    assert invitee.invited_at is not None


def test_user_invitation_task_retries_when_the_mail_server_fails(invitee, monkeypatch):
    from django.core.mail import EmailMessage

    from lms.accounts.tasks import user_invitation_send_task

    real_send, calls = EmailMessage.send, []

    def flaky_send(message, *args, **kwargs):
        calls.append(message)
        if len(calls) == 1:
            raise ConnectionRefusedError("SMTP server down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)
    # throw=False: an eager retry runs again at once instead of raising Retry.
    user_invitation_send_task.apply(args=[invitee.pk], throw=False)

    assert len(calls) == 2
    assert len(mail.outbox) == 1


def test_user_invitation_send_skips_accounts_someone_can_already_sign_in_to(invitee, student):
    invitee.last_login = timezone.now()
    invitee.save(update_fields=["last_login"])
    assert user_invitation_send(user_id=invitee.pk) is False  # signed in already
    assert user_invitation_send(user_id=student.pk) is False  # has a password
    assert mail.outbox == []


def test_user_invitation_send_again_once_the_link_has_expired(invitee, settings):
    assert user_invitation_send(user_id=invitee.pk) is True
    User.objects.filter(pk=invitee.pk).update(
        invited_at=timezone.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    )
    assert user_invitation_send(user_id=invitee.pk) is True
    assert len(mail.outbox) == 2


def test_user_bulk_upsert_creates_students_and_updates_only_given_values(
    student, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    program = SponsoringProgramFactory(code="imet", name="IMET")
    student.rank = "Major"
    student.save(update_fields=["rank"])
    people = [
        {"email": "STUDENT@example.org", "rank": "", "service": "Navy"},
        {"email": "new.one@example.org", "first_name": "Kwame", "last_name": "Mensah", "country": "GH"},
    ]
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(12):
        result = user_bulk_upsert(people=people, new_user_defaults={"sponsoring_program": program})

    student.refresh_from_db()
    assert (student.rank, student.service) == ("Major", "Navy")  # an empty value blanks nothing
    assert student.has_usable_password()
    new = User.objects.get(email="new.one@example.org")
    assert not new.has_usable_password()
    assert new.sponsoring_program == program
    assert list(new.groups.all()) == [Group.objects.get(name=Role.STUDENT.value)]
    assert (result.created, result.updated, result.unchanged) == ([new.pk], [student.pk], 0)
    assert result.ids_by_email == {"student@example.org": student.pk, "new.one@example.org": new.pk}
    assert [message.to for message in mail.outbox] == [["new.one@example.org"]]


def test_user_bulk_upsert_refuses_fields_that_are_not_profile_fields(db):
    with pytest.raises(ValueError, match="is_superuser"):
        user_bulk_upsert(people=[{"email": "x@example.org", "first_name": "X", "is_superuser": True}])
    assert not User.objects.filter(email="x@example.org").exists()


def test_user_bulk_upsert_invites_again_only_when_the_last_invitation_has_expired(
    invitee, settings, django_capture_on_commit_callbacks
):
    person = {"email": invitee.email, "first_name": invitee.first_name}
    User.objects.filter(pk=invitee.pk).update(invited_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert user_bulk_upsert(people=[person]).invited == []
    assert mail.outbox == []

    expired = timezone.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    User.objects.filter(pk=invitee.pk).update(invited_at=expired)
    with django_capture_on_commit_callbacks(execute=True):
        assert user_bulk_upsert(people=[person]).invited == [invitee.pk]
    assert [message.to for message in mail.outbox] == [[invitee.email]]


def test_an_invited_student_whose_link_expired_can_ask_for_a_new_one(client, invitee):
    user_invitation_send(user_id=invitee.pk)
    mail.outbox.clear()
    client.post("/accounts/password-reset/", {"email": invitee.email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [invitee.email]


def test_accounts_without_a_password_and_no_invitation_get_no_reset_email(client, invitee):
    client.post("/accounts/password-reset/", {"email": invitee.email})
    assert mail.outbox == []


def test_emails_print_names_as_written(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "email": "sean.obrien@example.org",
                "first_name": "Seán",
                "last_name": "O'Brien & Sons",
                "password1": "a long enough passphrase 42",
                "password2": "a long enough passphrase 42",
                "preferred_language": "en",
            },
        )
    assert mail.outbox and "O'Brien & Sons" in mail.outbox[0].body
    assert "&#x27;" not in mail.outbox[0].body and "&amp;" not in mail.outbox[0].body
