"""`python -m bench.emails`: what sending an e-mail from Kontor and reading them back cost.

For developers changing kontor.emails: it times `send_email` (validation, the opt-out lookup
over every person type, the Email row, its links and the outbox row; the delivery is the
outbox's, not measured here) for `--mails` mails to contacts of one account, then the
contact page's timeline fragment and the e-mails list for a sales manager (All) and a sales rep
(Team: the linked records' permission subqueries) once that account holds those mails.

It runs on PostgreSQL in a database of its own (`kontor_d` unless `--database`; migrated
first), inside one transaction rolled back at the end, so it leaves no rows.

    python -m bench.emails                 # 500 mails, 50 timed page loads each
    python -m bench.emails --mails 2000

Results go to bench/results/emails-<time>.json with the machine's load average.
"""

import argparse
import os
import statistics
import time

from bench import load


def _ms(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1] * 1000, 2),
    }


def _timed_gets(client, url: str, rounds: int) -> dict:
    client.get(url, secure=True)  # warm up
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    return _ms(samples)


def run(args) -> dict:
    from kontor.accounts.models import Account
    from kontor.contacts.models import Contact
    from kontor.core.actions import save_record
    from kontor.emails.actions import Outgoing, send_email
    from kontor.users.actions import create_user
    from kontor.users.models import Team

    result = {}
    with load.rolled_back():
        manager = create_user(
            "bench-em-m", password="x", email="m@bench.example", roles=["sales_manager"]
        )
        rep = create_user("bench-em-r", password="x", email="r@bench.example", roles=["sales_rep"])
        team = Team.objects.create(name="bench-em-team")
        team.members.add(manager, rep)
        account = save_record(Account(name="Bench Mail GmbH"), actor=manager)
        contacts = [
            save_record(
                Contact(last_name=f"Mail{i}", email1=f"c{i}@bench.example", account=account),
                actor=manager,
            )
            for i in range(10)
        ]
        samples = []
        for i in range(args.mails):
            contact = contacts[i % len(contacts)]
            mail = Outgoing(to=contact.email1, subject=f"Bench {i}", body="Hallo\n\nText " * 20)
            started = time.perf_counter()
            send_email(mail, parent=contact, actor=manager)
            samples.append(time.perf_counter() - started)
        result["send_email"] = {"mails": args.mails, **_ms(samples)}
        for name, user in (("sales_manager", manager), ("sales_rep", rep)):
            client = load.signed_in(user)
            result[name] = {
                "contact_timeline": _timed_gets(
                    client, f"/contacts/{contacts[0].pk}/timeline/", args.rounds
                ),
                "account_timeline": _timed_gets(
                    client, f"/accounts/{account.pk}/timeline/", args.rounds
                ),
                "emails_list": _timed_gets(client, "/emails/", args.rounds),
            }
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mails", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--database", default="kontor_d")
    parser.add_argument("--pg-url", default=load.PG_URL)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-emails-not-secret-" + "x" * 32)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = {"bench": "emails", "load_before": round(os.getloadavg()[0], 2), **run(args)}
    result["load_after"] = round(os.getloadavg()[0], 2)
    path = load.write_results("emails", result)
    print(result)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
