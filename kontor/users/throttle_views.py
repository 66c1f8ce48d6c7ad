"""Administration → Sign-in throttles: the user names and addresses that must currently wait
before their next sign-in attempt, and a button to let one try again at once (admins only;
everyone else gets 404)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.core.admin_area import admin_required
from kontor.users import actions, signin


@admin_required
def throttle_list(request):
    return render(request, "users/admin/signin_throttles.html", {"throttles": signin.throttles()})


@admin_required
@require_POST
def throttle_clear(request):
    if actions.clear_signin_throttle(request.POST.get("throttle", ""), actor=request.user):
        messages.success(request, _("The throttle was cleared."))
    else:
        messages.info(request, _("This throttle has already run out."))
    return redirect("admin-signin-throttles")
