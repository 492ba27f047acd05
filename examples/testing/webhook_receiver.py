"""A webhook receiver that accepts only genuine, fresh ConfigCat webhooks.

    python examples/testing/webhook_receiver.py --port 8099 --key SIGNING_KEY [--key NEXT_KEY]

Answers 200 to a request whose signature verifies under one of the keys (two during a
rotation: ``GET /v1/webhooks/{webhookId}/keys``) and 400 with the reason to anything else;
prints each verdict. Standard library and ``configcat_publicapi`` only.
"""

from __future__ import annotations

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from configcat_publicapi.webhooks import WebhookVerificationError, verify


def make_server(port: int, keys: list[str], host: str = "127.0.0.1") -> ThreadingHTTPServer:
    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                hook = verify(dict(self.headers.items()), body, keys)
            except WebhookVerificationError as exc:
                self._answer(400, {"refused": str(exc)})
                return
            changes = json.loads(body or b"null")
            print(f"webhook {hook.webhook_id} at {hook.timestamp}: {changes}")
            self._answer(200, {"accepted": hook.webhook_id})

        def _answer(self, status: int, payload: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return ThreadingHTTPServer((host, port), Receiver)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8099, help="default: %(default)s")
    parser.add_argument("--key", action="append", required=True, help="a signing key (repeat)")
    args = parser.parse_args()
    with make_server(args.port, args.key) as server:
        print(f"listening on http://127.0.0.1:{args.port}")
        server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
