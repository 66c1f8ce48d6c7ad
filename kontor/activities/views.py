"""Activity verbs with a page or button of their own: complete a task, download a note's file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.activities.actions import complete_task
from kontor.activities.models import Note, Task


@login_required
@require_POST
def complete_task_view(request, pk):
    task = get_object_or_404(Task.objects.visible_to(request.user, "edit"), pk=pk)
    complete_task(task, actor=request.user)
    if request.headers.get("HX-Request"):
        return render(request, "activities/_task_done.html", {"task": task})
    messages.success(request, _("Task “%(name)s” is done.") % {"name": task.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        target = task.get_absolute_url()
    return redirect(target)


@login_required
def download_attachment(request, pk):
    """The note's file, only for users who may see the note (never a public media URL)."""
    note = get_object_or_404(Note.objects.visible_to(request.user, "view"), pk=pk)
    if not note.filename:
        raise Http404
    return FileResponse(
        note.filename.open("rb"), as_attachment=True, filename=note.filename.name.rsplit("/", 1)[-1]
    )
