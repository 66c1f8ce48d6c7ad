"""Administration → OAuth2 clients (/admin/suitecrm/oauth-clients/): the clients of the
SuiteCRM V8 API, for administrators, who create them (the secret is shown once, on the page
that follows the creation) and revoke them.

Everyone else signed in gets 403 Forbidden and changes nothing; the actions refuse them too.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kontor.api.models import OAuthClient
from kontor.core import admin_area
from kontor.suiteapi.clients.actions import create_client, revoke_client
from kontor.suiteapi.clients.forms import ClientForm

#: Where the new client's secret waits for the page that follows its creation (one request).
JUST_CREATED = "suiteapi_new_oauth_client"


@admin_area.admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_list(request):
    """Every client (newest first) and the form for a new one. A creation redirects here and
    this page shows the secret from the session once, then forgets it: a reload shows no
    secret and creates nothing."""
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = create_client(
                name=form.cleaned_data["name"],
                grant=form.cleaned_data["grant"],
                user=form.cleaned_data["user"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[JUST_CREATED] = {"id": created.client_id, "secret": secret}
            return HttpResponseRedirect(reverse("suiteapi-oauth-clients"))
    new = request.session.pop(JUST_CREATED, None) if request.method != "POST" else None
    clients = OAuthClient.objects.select_related("user").order_by("-created_at", "-pk")
    return render(
        request,
        "suiteapi/oauth_clients.html",
        {"form": form, "clients": clients, "new": new},
        status=400 if request.method == "POST" else 200,
    )


@admin_area.admin_required
@require_POST
def client_revoke(request, pk):
    client = OAuthClient.objects.filter(pk=pk).first()
    if client is None:
        raise Http404
    revoke_client(client, actor=request.user)
    messages.success(request, _("Revoked the OAuth2 client %(name)s.") % {"name": client.name})
    return HttpResponseRedirect(reverse("suiteapi-oauth-clients"))


def register_page() -> None:
    """Put the page into the administration menu (called from the app's ready())."""
    admin_area.register_page(
        "suiteapi-oauth-clients",
        gettext_lazy("OAuth2 clients"),
        icon="key",
        group=gettext_lazy("Integration"),
        order=61,
    )
