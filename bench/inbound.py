"""Matching received mail to records at a million leads: how many messages per second a poll's
matching step handles, and what parsing a message costs beside it.

For developers changing kontor/mailboxes/matching.py or the e-mail indexes. It reads the
benchmark database (`bench.run` or `bench.prepare` builds it: 1,000,000 leads, 200,000
contacts, 100,000 accounts) and writes nothing: mails are built in memory, in batches as a poll
makes them (50), each with a From of a random lead (`--known` of them) or of an unknown
address, the mailbox's own To and a Cc of another lead or an unknown address, and matched with
`matching.match` (one query per record type and indexed e-mail column per batch). No mail
refers to an earlier one, so the thread lookup (one more query per batch, on an indexed
Message-ID) is not part of the figure.

Target: >= 200 messages per second.

    python -m bench.inbound                          # PostgreSQL database kontor_bench
    python -m bench.inbound --messages 5000 --batch 50

Results go to bench/results/inbound-<time>.json (git-ignored).
"""

import argparse
import json
import os
import random
import statistics
import time
from datetime import datetime
from email.message import EmailMessage

TARGET_PER_SECOND = 200
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kontor_bench"


def _mail(rng, addresses, known: float):
    from kontor.mailboxes.parsing import ParsedMail

    def pick():
        return rng.choice(addresses) if rng.random() < known else f"x{rng.random()}@fremd.example"

    n = rng.getrandbits(64)
    return ParsedMail(
        key=f"{n}@bench", from_addr=pick(), to=["vertrieb@kontor.example"], cc=[pick()]
    )


def _raw_message(rng) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Lena <lena@kunde.example>", "v@k.example", "Hi"
    mail["Message-ID"] = f"<{rng.getrandbits(64)}@bench>"
    mail.set_content("Guten Tag,\n" + "eine Zeile Text für die Nachricht.\n" * 300)
    mail.add_alternative("<p>" + "Ein Absatz <b>HTML</b>. " * 400 + "</p>", subtype="html")
    mail.add_attachment(os.urandom(50_000), maintype="application", subtype="pdf", filename="a.pdf")
    return bytes(mail)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--known", type=float, default=0.7, help="Share of lead senders.")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()
    from bench.prepare import sample_leads
    from kontor.leads.models import Lead
    from kontor.mailboxes import matching, parsing

    rng = random.Random("inbound")
    leads = Lead.objects.count()
    addresses = [lead.email1 for lead in sample_leads(1000, seed=17) if lead.email1]
    batches = [
        [_mail(rng, addresses, args.known) for _ in range(args.batch)]
        for _ in range(args.messages // args.batch)
    ]
    matching.match(batches[0])  # warm: content types, connection, plans
    before = os.getloadavg()[0]
    times, matched = [], 0
    started = time.perf_counter()
    for batch in batches:
        t = time.perf_counter()
        found = matching.match(batch, own_addresses=("vertrieb@kontor.example",))
        times.append((time.perf_counter() - t) * 1000)
        matched += sum(1 for m in found if m.records)
    total = time.perf_counter() - started
    per_second = len(batches) * args.batch / total

    raw = [_raw_message(rng) for _ in range(200)]
    t = time.perf_counter()
    for message in raw:
        parsing.parse(message, max_attachment=20 << 20)
    parse_ms = (time.perf_counter() - t) * 1000 / len(raw)

    times.sort()
    summary = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "database": django.db.connection.vendor,
        "leads": leads,
        "email_fields": {
            m.__name__: matching.indexed_email_fields(m) for m in matching.MATCHED_MODELS
        },
        "messages": len(batches) * args.batch,
        "batch": args.batch,
        "matched": matched,
        "per_second": round(per_second),
        "batch_p50_ms": round(statistics.median(times), 1),
        "batch_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "parse_ms_per_message": round(parse_ms, 2),
        "parsed_size_bytes": len(raw[0]),
        "loadavg": [round(before, 2), round(os.getloadavg()[0], 2)],
        "target_per_second": TARGET_PER_SECOND,
    }
    print(json.dumps(summary, indent=2))
    from bench.run import RESULTS

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"inbound-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(summary, indent=2))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
