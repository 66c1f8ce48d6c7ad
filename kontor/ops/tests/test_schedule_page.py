"""Administration → Scheduled jobs: admins see each job's schedule, last start and next run."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from kontor.core import schedule
from kontor.ops import scheduler
from kontor.ops.models import ScheduledJob

URL = "/admin/scheduled-jobs/"


@pytest.mark.django_db
def test_admins_see_every_job_with_its_times(admin_client, django_assert_num_queries):
    assert reverse("admin-scheduled-jobs") == URL
    scheduler.sync(datetime(2027, 3, 1, 10, 0, tzinfo=UTC))
    ScheduledJob.objects.filter(name="suiteapi.purge_sessions").update(
        last_enqueued_at=datetime(2027, 2, 28, 2, 10, tzinfo=UTC)
    )
    admin_client.get(URL)  # the session and profile cached like any page
    with django_assert_num_queries(3):  # session, user with profile, the jobs' rows
        response = admin_client.get(URL)
    assert response.status_code == 200
    table = response.content.decode().split('id="scheduled-jobs"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == len(schedule.jobs())
    purge = next(row for row in rows if "suiteapi.purge_sessions" in row)
    assert "Expired SuiteCRM API tokens and sessions removed" in purge
    assert "daily at 03:10" in purge
    assert "not yet" not in purge
    recompute = next(row for row in rows if "opportunities.recompute_base_amounts" in row)
    assert "not yet" in recompute


@pytest.mark.django_db
def test_the_page_speaks_german(admin, admin_client):
    admin.profile.language = "de"
    admin.profile.save()
    content = admin_client.get(URL).content.decode()
    assert "Geplante Jobs" in content
    assert "täglich um 02:30" in content


@pytest.mark.django_db
def test_others_get_not_found_and_nothing_changes(rep_client):
    assert rep_client.get(URL).status_code == 404
    assert not ScheduledJob.objects.exists()
