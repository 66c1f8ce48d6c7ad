"""The public page of an invitation's answer links, for the invitee who got the mail (no
sign-in: the signed token in the address says who they are).

GET shows the meeting and the three answers and changes nothing (mail scanners and link
previews open links); the answer is a POST from that page. A forged or damaged token, a
meeting that has ended, was cancelled or no longer invites them get a page saying so, and
nothing changes.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kontor.activities.models import Meeting
from kontor.invitations import actions, message, tokens


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, token):
    try:
        data = tokens.read(token)
    except tokens.Invalid:
        return _refused(request, settings.LANGUAGE_CODE, expired=False)
    language = data["l"] if data["l"] in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    meeting = Meeting.with_deleted.select_related("assigned_user__profile").filter(pk=data["m"])
    meeting = meeting.first()
    if meeting is None:
        return _refused(request, language, expired=False)
    try:
        tokens.check_open(meeting)
    except tokens.Invalid:
        return _refused(request, language, expired=True)
    who = actions.recipients(meeting).get(data["p"])
    zone = message.zone_of(who.time_zone if who is not None else settings.TIME_ZONE)
    with translation.override(language), timezone.override(zone):
        if who is None or meeting.deleted or meeting.status == "Not Held":
            return _page(request, "invitations/refused.html", {"gone": True}, status=410)
        recorded = None
        if request.method == "POST":
            choice = request.POST.get("answer", "")
            if choice not in actions.ANSWERS:
                return _page(request, "invitations/refused.html", {"unknown": True}, status=400)
            try:
                actions.answer_invitation(meeting, data["p"], choice)
            except actions.AnswerRefused:
                return _page(request, "invitations/refused.html", {"gone": True}, status=410)
            who.accept_status = recorded = choice
        context = {
            "meeting": meeting,
            "who": who,
            "organiser": message.organiser_of(meeting)[0],
            "time_zone": who.time_zone,
            "recorded": recorded,
            "suggested": request.GET.get("answer") if request.method == "GET" else None,
            "answers": [
                ("accept", _("Accept"), "success", "check-lg"),
                ("tentative", _("Tentative"), "warning", "question-lg"),
                ("decline", _("Decline"), "danger", "x-lg"),
            ],
            "language": language,
        }
        return _page(request, "invitations/answer.html", context)


def _refused(request, language: str, *, expired: bool):
    with translation.override(language):
        context = {"expired": expired, "language": language}
        return _page(request, "invitations/refused.html", context, status=410 if expired else 404)


def _page(request, template: str, context: dict, status: int = 200):
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response
