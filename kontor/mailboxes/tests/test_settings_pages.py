"""Administration → Mailboxes and My mailbox: saving checks the connection, passwords are
sealed and never shown, and refusals change nothing."""

import pytest
from django.urls import reverse

from kontor.core import sealing
from kontor.mailboxes.models import SEAL_PURPOSE, Mailbox
from kontor.users.models import Profile

pytestmark = pytest.mark.django_db


def form_data(server, user, **changes):
    data = {
        "name": "Vertrieb",
        "email_address": user.address,
        "host": server.host,
        "port": server.port,
        "security": "none",
        "username": user.username,
        "password": user.password,
        "folder": "INBOX",
        "active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_admin_adds_a_shared_mailbox_with_a_sealed_password(admin_client, imap_server):
    user = imap_server.new_user()

    answer = admin_client.post(reverse("mailboxes:admin-create"), form_data(imap_server, user))

    mailbox = Mailbox.objects.get()
    assert answer.status_code == 302 and mailbox.owner is None
    assert mailbox.password != user.password
    assert sealing.unseal(mailbox.password, purpose=SEAL_PURPOSE) == user.password
    page = admin_client.get(reverse("mailboxes:admin-edit", args=[mailbox.pk])).content.decode()
    assert user.password not in page and mailbox.password not in page
    # empty keeps the stored password
    admin_client.post(
        reverse("mailboxes:admin-edit", args=[mailbox.pk]),
        form_data(imap_server, user, password="", name="Vertrieb DE"),
    )
    mailbox.refresh_from_db()
    assert mailbox.name == "Vertrieb DE"
    assert sealing.unseal(mailbox.password, purpose=SEAL_PURPOSE) == user.password


def test_wrong_credentials_or_host_save_nothing_and_say_why(admin_client, admin, imap_server):
    user = imap_server.new_user()
    url = reverse("mailboxes:admin-create")
    Profile.objects.filter(user=admin).update(language="de")

    wrong = admin_client.post(url, form_data(imap_server, user, password="falsch"))
    unreachable = admin_client.post(url, form_data(imap_server, user, port=1))

    assert wrong.status_code == 400 and unreachable.status_code == 400
    assert "Der Server hat Benutzername oder Passwort abgelehnt." in wrong.content.decode()
    assert f"{imap_server.host}:1 ist nicht erreichbar" in unreachable.content.decode()
    assert not Mailbox.objects.exists()


def test_test_connection_checks_without_saving(admin_client, imap_server):
    user = imap_server.new_user()

    good = admin_client.post(
        reverse("mailboxes:admin-create"), {**form_data(imap_server, user), "test": ""}, follow=True
    )
    bad = admin_client.post(
        reverse("mailboxes:admin-create"),
        {**form_data(imap_server, user, folder="Gibt-es-nicht"), "test": ""},
    )

    assert "Connected: the server accepted the sign-in." in good.content.decode()
    assert "The folder Gibt-es-nicht does not exist on the server." in bad.content.decode()
    assert not Mailbox.objects.exists()


def test_shared_mailboxes_are_for_admins_only(rep_client, imap_server):
    user = imap_server.new_user()
    assert rep_client.get(reverse("mailboxes:admin-list")).status_code == 404
    answer = rep_client.post(reverse("mailboxes:admin-create"), form_data(imap_server, user))
    assert answer.status_code == 404 and not Mailbox.objects.exists()


def test_each_user_keeps_a_personal_mailbox(rep_client, rep, imap_server):
    user = imap_server.new_user()

    answer = rep_client.post(
        reverse("mailboxes:mine"), form_data(imap_server, user, private_default="on")
    )

    assert answer.status_code == 302
    mailbox = Mailbox.objects.get()
    assert (mailbox.owner, mailbox.private_default) == (rep, True)
    assert rep_client.get(reverse("mailboxes:mine")).status_code == 200


def test_a_new_server_or_user_name_needs_the_password_again(admin_client, admin, imap_server):
    """The stored password goes only where it was given for: another host, port or user name
    without a password is refused on the password field, nothing saved and nothing sent."""
    import socket

    from kontor.mailboxes.tests.mail import mailbox_for

    mailbox = mailbox_for(imap_server, imap_server.new_user(), active=False)
    before = Mailbox.objects.values().get()
    url = reverse("mailboxes:admin-edit", args=[mailbox.pk])
    Profile.objects.filter(user=admin).update(language="de")
    with socket.socket() as trap:
        trap.bind(("127.0.0.1", 0))
        trap.listen()
        trap.settimeout(0.2)
        elsewhere = {"host": "127.0.0.1", "port": trap.getsockname()[1], "password": ""}
        fields = ("name", "email_address", "host", "port", "username", "security", "folder")
        base = {k: before[k] for k in fields}
        posts = [
            admin_client.post(url, {**base, **elsewhere}),
            admin_client.post(url, {**base, **elsewhere, "active": "on"}),
            admin_client.post(url, {**base, **elsewhere, "test": ""}),
            admin_client.post(url, {**base, "username": "jemand", "password": ""}),
            admin_client.patch(
                reverse("api-mailbox", args=[mailbox.pk]),
                elsewhere,
                content_type="application/json",
            ),
        ]
        with pytest.raises(TimeoutError):
            trap.accept()

    for answer in posts[:4]:
        assert answer.status_code == 400
        form = answer.context["form"]
        assert form.errors["password"] == [
            "Geben Sie das Passwort erneut ein: Server, Port oder Benutzername wurden geändert."
        ]
    assert posts[4].status_code == 400 and "password" in posts[4].json()["errors"]
    assert Mailbox.objects.values().get() == before
