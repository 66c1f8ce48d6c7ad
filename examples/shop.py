"""A shop talking to Kontor: newsletter sign-up, registration, first order, webhook back.

Plays the e-commerce journey of docs/integrations/ecommerce.md against a running Kontor:

    python manage.py create_api_token admin            # prints kontor_…
    python examples/shop.py --url http://127.0.0.1:8000 --token kontor_… \\
        [--listen 8765 --secret=<the webhook's signing secret>]

With --listen, the shop also receives Kontor's webhook (subscribe
http://127.0.0.1:8765/kontor to "Converted" of Leads in Administration → Webhooks first), checks
its signature and prints the customer number Kontor sent. Only the standard library is used.
"""

import argparse
import hashlib
import hmac
import json
import queue
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer


class Kontor:
    def __init__(self, url: str, token: str):
        self.url, self.token = url.rstrip("/"), token

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            f"{self.url}/api/v1/{path}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                # a retry after a timeout must not create the lead twice
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as error:
            sys.exit(f"{path}: HTTP {error.code} {error.read().decode()}")


def receiver(port: int, secret: str, inbox: queue.Queue) -> None:
    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            stamp = self.headers.get("Kontor-Timestamp", "")
            expected = (
                "v1="
                + hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
            )
            fresh = stamp.isdigit() and abs(time.time() - int(stamp)) < 300
            valid = fresh and hmac.compare_digest(
                expected, self.headers.get("Kontor-Signature", "")
            )
            self.send_response(204 if valid else 400)
            self.end_headers()
            if valid:
                inbox.put(json.loads(body))

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", port), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--listen", type=int, default=0)
    parser.add_argument("--secret", default="")
    args = parser.parse_args()
    kontor, inbox = Kontor(args.url, args.token), queue.Queue()
    if args.listen:
        receiver(args.listen, args.secret, inbox)
    email, customer = f"erika.{uuid.uuid4().hex[:6]}@example.com", f"C-{int(time.time())}"

    signup = kontor.post(
        "leads/upsert/",
        {
            "email1": email,
            "last_name": email.split("@")[0],
            "lead_source": "Web Site",
            "lifecycle_stage": "ML",
        },
    )
    lead = signup["record"]["id"]
    print(f"1. newsletter sign-up: lead {lead} {signup['result']} (stage ML)")

    registered = kontor.post(
        "leads/upsert/",
        {
            "email1": email,
            "first_name": "Erika",
            "last_name": "Mustermann",
            "account_name": "Mustermann Feinkost GmbH",
            "lifecycle_stage": "MQL",
            "external_id": {"source": "shop", "id": customer},
        },
    )
    print(
        f"2. registration: lead {registered['record']['id']} {registered['result']} "
        f"(stage MQL, shop customer {customer})"
    )

    order = kontor.post(
        f"leads/{lead}/convert/",
        {
            "account": {"name": "Mustermann Feinkost GmbH"},
            "opportunity": {
                "name": "Order 10001",
                "amount": "249.90",
                "date_closed": date.today().isoformat(),
                "sales_stage": "Closed Won",
            },
        },
    )
    print(
        f"3. first order: contact {order['contact']['id']}, account {order['account']['id']},"
        f" opportunity {order['opportunity']['id']} (Closed Won, 249.90)"
    )

    if args.listen:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                event = inbox.get(timeout=deadline - time.time())
            except queue.Empty:
                break
            if event["event"] == "leads.converted" and event["record_id"] == lead:
                print(
                    f"4. webhook {event['event']}: customer number (contact) "
                    f"{event['related']['contact']['id']}"
                )
                return 0
        print("4. no webhook arrived within 60 s: is the worker running and subscribed?")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
