"""Helpers of scripts/test-cloud-contract (Python's standard library only).

  served BASE_URL CA_PEM
      Checks that the cloud serves docs/openapi.json as it is.
  seed BASE_URL CA_PEM ADMIN_TOKEN_FILE OUT_DIR
      Gives the cloud what the document's examples name, so the fuzzer's example calls
      reach real records: the lock 0123456789abcdef0123456789abcdef, a host
      phone "host", a guest phone "guest" and a resident phone "resident"
      holding a key for the lock, a revoked key (a revocation list) and a
      PIN in slot 3. Writes the tokens into OUT_DIR (host-token,
      phone-token, admin-token).
  limits BASE_URL CA_PEM ADMIN_TOKEN_FILE PHONE_TOKEN_FILE
      What a fuzzer does not send: bodies over 1 MiB and uploads of over
      1,000 events (413), malformed JSON and arrays for objects (400), no
      or a wrong token (401),
      an unknown path (404), a method a path does not serve (405 with
      Allow), and 429 and 503 with Retry-After (through the chaos
      switches): each answer with its status, the documented error body
      and code. Prints one "ok:" or "FAILED:" line per check, then "N M".
  chaos-off BASE_URL CA_PEM ADMIN_TOKEN_FILE
      Turns the chaos switches off (the fuzzer may have set them).
  count JUNIT_XML...
      Prints "N M": operations whose tests all passed, and those with a
      failure or an error, over schemathesis's JUnit reports.
"""

import json
import os
import ssl
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree

LOCK = "0123456789abcdef0123456789abcdef"
DOCUMENT = os.path.join(os.path.dirname(__file__), "..", "docs", "openapi.json")


class Cloud:
    def __init__(self, base_url, ca_pem, admin_token_file):
        self.base_url = base_url.rstrip("/")
        self.context = ssl.create_default_context(cafile=ca_pem)
        with open(admin_token_file, encoding="utf-8") as f:
            self.admin_token = f.read().strip()

    def raw(self, method, path, body=None, token=None):
        """(status, raw answer, headers) of one request; `body` as JSON, or bytes as they are."""
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as answer:
                return answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read(), refused.headers

    def call(self, method, path, body=None, token=None):
        """(status, raw answer) of one request."""
        status, raw, _ = self.raw(method, path, body, token)
        return status, raw

    def json(self, method, path, body=None, token=None, expect=(200, 201)):
        status, raw = self.call(method, path, body, token or self.admin_token)
        if status not in expect:
            raise SystemExit(f"{method} {path}: HTTP {status}: {raw[:300]!r}")
        return json.loads(raw) if raw else None


def served(base_url, ca_pem):
    context = ssl.create_default_context(cafile=ca_pem)
    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/openapi.json", context=context, timeout=30) as answer:
            status, document = answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        status, document = refused.code, b""
    with open(DOCUMENT, "rb") as f:
        if status != 200 or document != f.read():
            raise SystemExit(f"GET /openapi.json (HTTP {status}) does not serve docs/openapi.json as it is")


def seed(base_url, ca_pem, admin_token_file, out_dir):
    cloud = Cloud(base_url, ca_pem, admin_token_file)
    issuer = cloud.json("GET", "/admin/issuer")["issuer_key"]
    cloud.json("POST", "/admin/locks", {
        "lock_id": LOCK, "name": "Front door", "identity_key": "ab" * 64,
        "issuer_key": issuer, "utc_offset_min": 60,
    })
    tokens = {}
    for name, host, key in [("host", True, "cd"), ("guest", False, "ef"), ("resident", False, "12")]:
        registered = cloud.json("POST", "/admin/phones", {"name": name, "holder_key": key * 64, "host": host})
        tokens[name] = registered["token"]
    grant = {"lock_id": LOCK, "not_before": 1_700_000_000, "not_after": 4_000_000_000}
    host = tokens["host"]
    cloud.json("POST", "/v1/keys", dict(grant, phone="resident", role="resident", label="Resident"), host)
    revoked = cloud.json("POST", "/v1/keys", dict(grant, phone="guest", role="guest", label="Old stay"), host)
    cloud.json("POST", f"/v1/keys/{revoked['key_id']}/revoke", {}, host)
    cloud.json("POST", f"/v1/locks/{LOCK}/pins", {"slot": 3, "digits": "482913", "label": "Cleaner"}, host)
    for name, token in [("host-token", host), ("phone-token", tokens["resident"]), ("admin-token", cloud.admin_token)]:
        path = os.path.join(out_dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(token)
        os.chmod(path, 0o600)


def error_body(raw, code):
    """Why `raw` is not the documented error body with `code`, or None."""
    try:
        body = json.loads(raw)
    except ValueError:
        return f"not JSON: {raw[:100]!r}"
    if not isinstance(body, dict) or body.get("code") != code or not isinstance(body.get("message"), str):
        return f"not an error body with code {code}: {body!r}"[:300]
    if body.get("retry_after") is not None and not isinstance(body["retry_after"], int):
        return "retry_after is not a number of seconds"
    return None


def limits(base_url, ca_pem, admin_token_file, phone_token_file):
    cloud = Cloud(base_url, ca_pem, admin_token_file)
    with open(phone_token_file, encoding="utf-8") as f:
        phone = f.read().strip()
    huge = {"events": [{"id": "0192f3a4-5b6c-7d8e-9f00-112233445566",
                        "event": {"kind": "failure", "detail": "x" * (1024 * 1024)}}]}
    crowd = {"events": [{"id": f"0192f3a4-5b6c-7d8e-9f00-{i:012x}", "event": {"kind": "failure"}} for i in range(1001)]}
    checks = [
        ("a body over 1 MiB is 413", "POST", "/v1/events", huge, phone, 413, "too_large"),
        ("an upload of 1,001 events is 413", "POST", "/v1/events", crowd, phone, 413, "too_large"),
        ("an admin body over 1 MiB is 413", "POST", "/admin/locks", huge, cloud.admin_token, 413, "too_large"),
        ("malformed JSON is 400", "POST", "/v1/events", b'{"events": [', phone, 400, "bad_request"),
        ("a body of the wrong shape is 400", "POST", "/v1/pin-acks", {"acks": 3}, phone, 400, "bad_request"),
        ("an array for an object is 400", "PUT", "/admin/chaos", [], cloud.admin_token, 400, "bad_request"),
        ("fields by position are 400", "POST", "/v1/pin-acks", [[]], phone, 400, "bad_request"),
        ("no token is 401", "GET", "/v1/keys", None, None, 401, "unauthorized"),
        ("an unknown token is 401", "GET", "/v1/keys", None, "not-a-token", 401, "unauthorized"),
        ("a phone token on an admin route is 401", "GET", "/admin/issuer", None, phone, 401, "unauthorized"),
        ("an unknown path is 404", "GET", "/v1/nothing-here", None, phone, 404, "not_found"),
        ("an unserved method is 405 with Allow", "PATCH", "/v1/keys", None, phone, 405, "method_not_allowed"),
    ]
    results = []
    for name, method, path, body, token, status, code in checks:
        got, raw, headers = cloud.raw(method, path, body, token)
        why = f"HTTP {got}, not {status}" if got != status else error_body(raw, code)
        if why is None and status == 405 and "GET" not in headers.get("Allow", ""):
            why = f"Allow: {headers.get('Allow')!r}"
        results.append((name, why))
    for name, switches, status, code in [
        ("429 carries Retry-After", {"rate_limited": 1, "retry_after_s": 7}, 429, "rate_limited"),
        ("503 carries Retry-After when the cloud says", {"unavailable": 1, "unavailable_retry_after_s": 9}, 503, "unavailable"),
    ]:
        cloud.json("PUT", "/admin/chaos", switches)
        got, raw, headers = cloud.raw("GET", "/v1/keys", None, phone)
        cloud.json("PUT", "/admin/chaos", {})
        wait = str(switches.get("retry_after_s") or switches.get("unavailable_retry_after_s"))
        why = f"HTTP {got}, not {status}" if got != status else error_body(raw, code)
        if why is None and (headers.get("Retry-After") != wait or json.loads(raw).get("retry_after") != int(wait)):
            why = f"Retry-After {headers.get('Retry-After')!r}, body {raw[:200]!r}; wanted {wait}"
        results.append((name, why))
    for name, why in results:
        print(f"[cloud-contract] {'ok' if why is None else 'FAILED'}: {name}{'' if why is None else ': ' + why}")
    print(sum(why is None for _, why in results), sum(why is not None for _, why in results))


def chaos_off(base_url, ca_pem, admin_token_file):
    Cloud(base_url, ca_pem, admin_token_file).json("PUT", "/admin/chaos", {})


def count(reports):
    passed = failed = 0
    for report in reports:
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            else:
                passed += 1
    print(passed, failed)


def main(argv):
    commands = {"served": (served, 2), "seed": (seed, 4), "limits": (limits, 4), "chaos-off": (chaos_off, 3)}
    if argv[:1] == ["count"]:
        count(argv[1:])
    elif argv[:1] and argv[0] in commands and len(argv) == commands[argv[0]][1] + 1:
        commands[argv[0]][0](*argv[1:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
