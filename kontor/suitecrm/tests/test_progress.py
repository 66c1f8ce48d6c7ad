"""The terminal progress of `kontor migrate-suitecrm`: rows done, rows/s and time left per step
at most once a second, and the rows/s summary at the end of the report."""

from io import StringIO

import pytest
from django.core.management import call_command

from kontor.suitecrm.progress import Progress
from kontor.suitecrm.report import Report


class Lines(list):
    def write(self, line):
        self.append(line)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_prints_rows_rate_and_time_left_at_most_once_a_second():
    lines, clock = Lines(), Clock()
    progress = Progress(lines, clock=clock)
    progress.start("leads", "leads", 1000)
    clock.now += 0.5
    progress.tick(100)  # half a second: nothing printed yet
    assert lines == ["… leads: 1,000 rows in leads"]
    clock.now += 0.5
    progress.tick(100)
    assert lines[-1] == "  leads: 200 / 1,000 rows, 200 rows/s, 4 s left"
    clock.now += 0.2
    progress.tick(50)
    assert len(lines) == 2
    clock.now += 1.8
    timing = progress.finish()

    assert (timing.step, timing.table, timing.rows, timing.seconds) == ("leads", "leads", 250, 3.0)
    assert lines[-1] == "  leads: 250 rows in 3.0 s (83 rows/s)"
    progress.tick(10)  # after finish: ignored
    assert timing.rows == 250 and len(lines) == 3


def test_the_report_ends_with_rows_per_second_per_step():
    lines, clock = Lines(), Clock()
    progress = Progress(lines, clock=clock)
    report = Report()
    progress.start("accounts", "accounts", 40)
    report.listener = progress.tick
    report.count("accounts", "created", 30)
    report.count("accounts", "unchanged", 10)
    clock.now += 2
    report.timings.append(progress.finish())

    text = report.lines()
    assert text[-1].split() == ["accounts", "(accounts)", "40", "2.0", "20"]
    assert report.as_dict()["rows_per_second"] == {"accounts": ["accounts", 40, 2.0]}


@pytest.mark.django_db
def test_the_command_shows_progress_on_stderr_and_rates_in_the_report(admin, suitecrm_journey):
    out, err = StringIO(), StringIO()
    call_command(
        "migrate_suitecrm",
        "--from",
        suitecrm_journey,
        "--modules",
        "users",
        "accounts",
        stdout=out,
        stderr=err,
    )

    accounts = suitecrm_journey.scalar("SELECT COUNT(*) FROM accounts")
    assert f"… accounts: {accounts:,} rows in accounts" in err.getvalue()
    assert f"  accounts: {accounts:,} rows in " in err.getvalue()
    summary = [line.split() for line in out.getvalue().splitlines() if "(accounts)" in line]
    assert summary[0][:3] == ["accounts", "(accounts)", f"{accounts:,}"]
