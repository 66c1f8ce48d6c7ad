"""Administration → OAuth2 clients through HTTP: list, create (the secret once), revoke; for
everyone but administrators 404 (as every administration page) and no change."""

import pytest
from django.urls import reverse

from kontor.api.models import OAuthClient
from kontor.core.admin_log import AdminChange
from kontor.suiteapi.clients.actions import create_client

pytestmark = pytest.mark.django_db
LIST = "/admin/suitecrm/oauth-clients/"


def test_the_page_is_in_the_administration_menu(admin_client):
    assert reverse("suiteapi-oauth-clients") == LIST
    response = admin_client.get("/admin/")
    assert LIST in response.content.decode()


def test_an_administrator_creates_a_client_and_sees_its_secret_once(admin_client, rep):
    response = admin_client.post(
        LIST, {"name": "Shop", "grant": "client_credentials", "user": rep.pk}, follow=True
    )
    assert response.redirect_chain == [(LIST, 302)]
    client = OAuthClient.objects.get()
    secret = response.context["new"]["secret"]
    html = response.content.decode()
    assert secret in html and client.client_id in html and client.verify_secret(secret)
    again = admin_client.get(LIST).content.decode()
    assert client.client_id in again and secret not in again and "Shop" in again
    assert OAuthClient.objects.count() == 1


def test_a_client_credentials_client_without_a_user_is_refused_on_the_field(admin_client):
    response = admin_client.post(LIST, {"name": "Shop", "grant": "client_credentials"})
    assert response.status_code == 400
    assert "Choose the active user this client acts as." in response.content.decode()
    assert not OAuthClient.objects.exists() and not AdminChange.objects.exists()


def test_an_administrator_revokes_a_client(admin_client, admin):
    client, _secret = create_client(name="Shop", grant="password", actor=admin)
    response = admin_client.post(reverse("suiteapi-oauth-client-revoke", args=[client.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not OAuthClient.objects.get().active
    page = admin_client.get(LIST).content.decode()
    assert "Revoked the OAuth2 client Shop." in page


def test_non_administrators_get_404_and_change_nothing(rep_client, admin, rep):
    client, _secret = create_client(name="Shop", grant="password", actor=admin)
    before = list(AdminChange.objects.values_list("pk", flat=True))
    assert rep_client.get(LIST).status_code == 404
    create = rep_client.post(LIST, {"name": "Mine", "grant": "client_credentials", "user": rep.pk})
    revoke = rep_client.post(reverse("suiteapi-oauth-client-revoke", args=[client.pk]))
    assert create.status_code == revoke.status_code == 404
    assert list(OAuthClient.objects.values_list("name", "active")) == [("Shop", True)]
    assert list(AdminChange.objects.values_list("pk", flat=True)) == before


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(LIST)["Location"].startswith("/login/")
    assert client.post(LIST, {"name": "X", "grant": "password"}).status_code == 302
    assert not OAuthClient.objects.exists()


def test_the_list_costs_the_same_queries_for_one_client_or_many(
    admin_client, admin, rep, django_assert_num_queries
):
    create_client(name="First", grant="client_credentials", user=rep, actor=admin)
    admin_client.get(LIST)  # warm the session and the caches
    with django_assert_num_queries(QUERIES):
        admin_client.get(LIST)
    for n in range(5):
        create_client(name=f"Client {n}", grant="client_credentials", user=rep, actor=admin)
    with django_assert_num_queries(QUERIES):
        response = admin_client.get(LIST)
    assert response.content.decode().count("/revoke/") == 6


#: session, user with profile, the users to choose from, the clients with their users
QUERIES = 4
