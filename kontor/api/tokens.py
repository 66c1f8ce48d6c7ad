"""Settings → API tokens (/settings/api-tokens/): a user creates and revokes their own tokens.

A new token's secret is shown once, on the page that answers its creation; the list shows
name, access, prefix, when it was created, when it expires and its last use.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kontor.api.actions import DEFAULT_LIFETIME, create_token, revoke_token
from kontor.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    expires = forms.ChoiceField(
        label=gettext_lazy("Expires"),
        choices=[
            ("30", gettext_lazy("in 30 days")),
            ("90", gettext_lazy("in 90 days")),
            ("365", gettext_lazy("in a year")),
            ("never", gettext_lazy("never")),
        ],
        required=False,
        initial=str(DEFAULT_LIFETIME),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_expires(self) -> int | None:
        """Days until the token expires (None: never); a post without the field gets the
        default."""
        value = self.cleaned_data["expires"]
        if value == "never":
            return None
        return int(value) if value else DEFAULT_LIFETIME


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = create_token(
            request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["expires"],
            actor=request.user,
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    status = 400 if request.method == "POST" and new_key is None else 200
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    revoke_token(token, actor=request.user)
    messages.success(request, _("Revoked the token %(name)s.") % {"name": token.name})
    return HttpResponseRedirect(reverse("api-tokens"))
