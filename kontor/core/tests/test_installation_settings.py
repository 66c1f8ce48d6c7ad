"""Administration → Settings: the B2B/B2C mode and the conversion policy, stored in the
database, changed by admins only, logged, in force without a restart; until an admin sets
one, its environment variable counts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kontor.conversion import mapping
from kontor.core import config
from kontor.core.admin_log import AdminChange
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.studio.actions.settings import save_installation_settings
from kontor.studio.models import InstallationSetting

pytestmark = pytest.mark.django_db

URL = reverse("studio:settings")


def test_the_environment_counts_until_an_admin_chooses(settings, admin):
    settings.KONTOR_MODE = "b2c"
    settings.KONTOR_CONVERSION_POLICY = "late"
    assert (config.mode(), config.conversion_policy()) == ("b2c", "late")
    save_installation_settings(mode="b2b", conversion_policy="early", actor=admin)
    assert (config.mode(), config.conversion_policy()) == ("b2b", "early")


def test_an_admin_switches_to_b2c_logged_and_in_force_at_once(admin_client, admin, rep):
    with pytest.raises(ValidationError):
        OpportunityFactory(account=None, actor=rep)  # B2B: an account is needed
    response = admin_client.post(URL, {"mode": "b2c", "conversion_policy": "early"})
    assert response.status_code == 302
    entry = AdminChange.objects.get(area="setting")
    assert entry.actor == admin
    assert entry.detail == {"mode": {"old": "b2b", "new": "b2c"}}
    # No restart: the next save in this process reads the new mode.
    created = OpportunityFactory(account=None, actor=rep)
    assert Opportunity.objects.get(pk=created.pk).account is None
    page = admin_client.get(URL)
    assert page.context["form"]["mode"].value() == "b2c"
    assert "no longer counts" in page.content.decode()


def test_the_late_policy_proposes_a_won_opportunity(admin, rep):
    lead = LeadFactory(actor=rep)
    assert mapping.opportunity_from_lead(lead)["sales_stage"] == "Qualification"
    save_installation_settings(mode="b2b", conversion_policy="late", actor=admin)
    assert mapping.opportunity_from_lead(lead)["sales_stage"] == "Closed Won"


def test_saving_the_same_values_logs_nothing(admin):
    assert save_installation_settings(mode="b2b", conversion_policy="early", actor=admin) is False
    assert not AdminChange.objects.filter(area="setting").exists()


def test_a_non_admin_is_refused_and_nothing_changes(rep_client, rep):
    assert rep_client.get(URL).status_code == 404
    response = rep_client.post(URL, {"mode": "b2c", "conversion_policy": "late"})
    assert response.status_code == 404  # admin pages look missing to everyone else
    with pytest.raises(PermissionDenied):
        save_installation_settings(mode="b2c", actor=rep)
    assert not InstallationSetting.objects.exists()
    assert not AdminChange.objects.exists()
    assert config.mode() == "b2b"


def test_an_unknown_value_is_refused_and_nothing_changes(admin_client, admin):
    response = admin_client.post(URL, {"mode": "b2x", "conversion_policy": "early"})
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        save_installation_settings(mode="b2x", actor=admin)
    assert not InstallationSetting.objects.exists()
    assert not AdminChange.objects.exists()


def test_the_page_explains_both_choices_in_german(admin_client, admin):
    from kontor.users.actions import update_profile

    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    page = admin_client.get(URL).content.decode()
    assert "Installationseinstellungen" in page
    assert "KONTOR_MODE" in page and "Firma" in page


def test_the_configuration_file_carries_what_an_admin_chose(admin):
    from kontor.studio.actions.transfer import export_configuration, import_configuration

    assert export_configuration()["settings"] == {}  # the environment's values stay local
    save_installation_settings(mode="b2c", conversion_policy="late", actor=admin)
    exported = export_configuration()
    assert exported["settings"] == {"conversion_policy": "late", "mode": "b2c"}
    save_installation_settings(mode="b2b", conversion_policy="early", actor=admin)
    import_configuration(exported, actor=admin)
    assert (config.mode(), config.conversion_policy()) == ("b2c", "late")
    damaged = {**exported, "settings": {"mode": "b2x"}}
    with pytest.raises(ValidationError):
        import_configuration(damaged, actor=admin)
    assert config.mode() == "b2c"  # all or nothing
