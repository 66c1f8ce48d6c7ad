"""Administration of users, teams and roles, and "what can this user do" (admins only).

Every view is behind `admin_required` (others get 404) and writes through one action of
kontor.users.actions; a refused change (the last administrator, an invalid grant) is shown on
the form and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.core import permissions, registry
from kontor.core.admin_area import admin_required
from kontor.users import actions, presets
from kontor.users.admin_forms import ACTION_LABELS, RoleForm, TeamForm, UserForm
from kontor.users.models import Role, Team

User = get_user_model()


def _refused(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@admin_required
def user_list(request):
    users = User.objects.order_by(
        "-is_active", "first_name", "last_name", "username"
    ).prefetch_related(
        Prefetch("roles", Role.objects.order_by("name")),
        Prefetch("teams", Team.objects.order_by("name")),
    )
    return render(request, "users/admin/user_list.html", {"users": users})


@admin_required
def user_edit(request, pk=None):
    user = get_object_or_404(User, pk=pk) if pk else User()
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_user(
                form.instance,
                actor=request.user,
                roles=form.cleaned_data["roles"],
                teams=form.cleaned_data["teams"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("Saved %(name)s.") % {"name": saved.get_full_name() or saved.username}
            )
            return redirect("admin-user-access", pk=saved.pk)
    return render(
        request,
        "users/admin/user_form.html",
        {"form": form, "target": user},
        status=400 if form.errors else 200,
    )


@admin_required
def user_access(request, pk):
    """What this user may do: the widest scope per record type and action, from their roles."""
    user = get_object_or_404(User, pk=pk)
    permissions.forget(user)
    rows = [
        {"module": m, "scopes": [permissions.scope(user, a, m.model) for a in presets.ACTIONS]}
        for m in registry.modules()
    ]
    return render(
        request,
        "users/admin/user_access.html",
        {
            "target": user,
            "rows": rows,
            "actions": [ACTION_LABELS[a] for a in presets.ACTIONS],
            "is_admin": permissions.is_admin(user),
            "roles": user.roles.all(),
            "teams": user.teams.all(),
        },
    )


@admin_required
def team_list(request):
    teams = Team.objects.annotate(size=Count("members")).order_by("name")
    return render(request, "users/admin/team_list.html", {"teams": teams})


@admin_required
def team_edit(request, pk=None):
    team = get_object_or_404(Team, pk=pk) if pk else Team()
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        actions.save_team(form.instance, actor=request.user, members=form.cleaned_data["members"])
        messages.success(request, _("Saved %(name)s.") % {"name": form.instance.name})
        return redirect("admin-teams")
    return render(
        request,
        "users/admin/team_form.html",
        {"form": form, "target": team},
        status=400 if form.errors else 200,
    )


@admin_required
@require_POST
def team_delete(request, pk):
    team = get_object_or_404(Team, pk=pk)
    actions.delete_team(team, actor=request.user)
    messages.success(request, _("Deleted %(name)s.") % {"name": team.name})
    return redirect("admin-teams")


@admin_required
def role_list(request):
    roles = Role.objects.annotate(size=Count("users")).order_by("name")
    return render(request, "users/admin/role_list.html", {"roles": roles})


@admin_required
def role_edit(request, pk=None):
    role = get_object_or_404(Role, pk=pk) if pk else Role()
    form = RoleForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_role(
                form.instance,
                actor=request.user,
                grants=form.grants(),
                users=form.cleaned_data["users"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": form.instance})
            return redirect("admin-roles")
    return render(
        request,
        "users/admin/role_form.html",
        {"form": form, "target": role, "actions": [ACTION_LABELS[a] for a in presets.ACTIONS]},
        status=400 if form.errors else 200,
    )


@admin_required
@require_POST
def role_delete(request, pk):
    role = get_object_or_404(Role, pk=pk)
    try:
        actions.delete_role(role, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("admin-role", pk=role.pk)
    messages.success(request, _("Deleted %(name)s.") % {"name": role})
    return redirect("admin-roles")
