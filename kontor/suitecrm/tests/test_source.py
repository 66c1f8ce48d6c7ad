"""The frame of `kontor migrate-suitecrm` on the real SuiteCRM databases of tests/data."""


def test_the_fixtures_load_the_dumps_as_suitecrm_made_them(suitecrm_journey, suitecrm_demo):
    assert suitecrm_journey.scalar("SELECT COUNT(*) FROM leads") == 205
    assert suitecrm_journey.scalar("SELECT COUNT(*) FROM prospects") == 20
    assert suitecrm_demo.scalar("SELECT COUNT(*) FROM leads") == 200
    assert len(suitecrm_demo.tables()) == len(suitecrm_journey.tables()) == 220
