#!/usr/bin/env python3
"""Validates the requests our clients sent (recorded by `cargo test -p sdk-cli --test
conformance`) with a third-party OpenAPI request validator, openapi-core (pinned in .ci/run):
path, query and header parameters, security, Content-Type and the body against the
operation's schema.

Usage: validate.py DIR   (DIR holds <api>.json files: the requests and the specs to check
them against; Bridge is checked against the vendor's spec and against the spec with our fixes
applied and normalised, and the two verdicts are compared.)

Exit status: 0 when every request conforms to every spec, 1 otherwise, 2 on bad input.
"""

import json
import sys
import urllib.parse
from pathlib import Path

import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest
from werkzeug.datastructures import Headers, ImmutableMultiDict

NOT_FOUND = ("ServerNotFound", "PathNotFound", "OperationNotFound")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load(path):
    text = Path(path).read_text(encoding="utf-8")
    return json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)


def server_urls(doc):
    """Every server URL of the document (root, path and operation level), variables filled
    with their defaults, split into (scheme://host, path prefix)."""
    lists = [doc.get("servers") or [{"url": "/"}]]
    for item in (doc.get("paths") or {}).values():
        lists.append(item.get("servers") or [])
        lists.extend(item[m].get("servers") or [] for m in METHODS if isinstance(item.get(m), dict))
    out = []
    for server in (s for lst in lists for s in lst):
        url = server["url"]
        for name, var in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(var.get("default", "")))
        parts = urllib.parse.urlsplit(url)
        pair = (f"{parts.scheme or 'https'}://{parts.netloc or 'localhost'}", parts.path.rstrip("/"))
        if pair not in out:
            out.append(pair)
    return out


def request_for(record, host, prefix):
    headers = Headers(record["headers"])
    body = record["body"].encode("utf-8")
    return MockRequest(
        host,
        record["method"],
        # As sent: path parameters are matched encoded and decoded by round_trip.
        prefix + record["path"],
        args=ImmutableMultiDict(urllib.parse.parse_qsl(record["query"], keep_blank_values=True)),
        headers=headers,
        data=body or None,
        content_type=headers.get("content-type", ""),
    )


def describe(error):
    """The error and the schema errors beneath it, one line each."""
    lines = [f"{type(error).__name__}: {error}"]
    seen = set()
    cause = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        for schema_error in getattr(cause, "schema_errors", None) or []:
            where = "/".join(str(p) for p in schema_error.absolute_path)
            lines.append(f"  at /{where}: {schema_error.message}")
        cause = cause.__cause__ or cause.__context__
        if cause is not None and type(cause).__name__ not in ("InvalidSchemaValue",) and not getattr(cause, "schema_errors", None):
            lines.append(f"  {type(cause).__name__}: {cause}")
    return lines


def round_trip(parameters, record):
    """Lines for each string parameter the server read differently from what the caller gave
    (a value not encoded, or encoded twice, still validates but is not what was meant)."""
    lines = []
    for given in record.get("params", []):
        if not isinstance(given["value"], str):
            continue
        read = getattr(parameters, given["in"], {}).get(given["name"])
        if given["in"] == "path" and isinstance(read, str):
            read = urllib.parse.unquote(read)
        if read is None or str(read) != given["value"]:
            lines.append(f"{given['in']} parameter {given['name']!r}: given {given['value']!r}, the server reads {read!r}")
        elif given["in"] == "path":
            # OpenAPI's `simple` style is RFC 6570 simple string expansion: every character
            # but the unreserved ones is percent-encoded (a server may read a raw `;` or `,`
            # as a matrix parameter or a list separator).
            raw = raw_segment(record, given["name"])
            expected = urllib.parse.quote(given["value"], safe="")
            if raw is not None and raw.upper() != expected.upper():
                lines.append(f"path parameter {given['name']!r}: sent as {raw!r}, RFC 6570 encodes it {expected!r}")
    return lines


def raw_segment(record, name):
    """The path segment, as sent, that holds path parameter `name` (a whole-segment template)."""
    template = (record.get("template") or "").split("/")
    sent = record["path"].split("/")
    if len(template) != len(sent):
        return None
    return next((s for t, s in zip(template, sent) if t == "{" + name + "}"), None)


def not_found(lines):
    return lines[0].split(":")[0] in NOT_FOUND


def validate(openapi, servers, record):
    """None when the request conforms; else the lines saying why."""
    last = None
    for host, prefix in servers:
        result = openapi.unmarshal_request(request_for(record, host, prefix))
        errors = list(result.errors)
        if errors and type(errors[0]).__name__ in NOT_FOUND and len(servers) > 1:
            last = errors
            continue
        if errors:
            return [line for e in errors for line in describe(e)]
        return round_trip(result.parameters, record) or None
    return [line for e in last for line in describe(e)]


def main(argv):
    if len(argv) != 2 or not Path(argv[1]).is_dir():
        print(__doc__, file=sys.stderr)
        return 2
    failures = 0
    total = 0
    reports = [p for p in sorted(Path(argv[1]).glob("*.json")) if not p.name.endswith(".normalised.json")]
    if not reports:
        print(f"no recorded requests in {argv[1]}: run `cargo test -p sdk-cli --test conformance` first",
              file=sys.stderr)
        return 2
    for report_path in reports:
        report = json.loads(report_path.read_text(encoding="utf-8"))
        api = report["api"]
        verdicts = {}
        for spec in report["specs"]:
            doc = load(spec["path"])
            openapi = OpenAPI.from_dict(doc)
            servers = server_urls(doc)
            verdicts[spec["name"]] = [validate(openapi, servers, r) for r in report["requests"]]
        names = list(verdicts)
        requests = report["requests"]
        total += len(requests) * len(names)
        print(f"{api}: {len(requests)} requests, validated against {', '.join(names)}")
        for name in names:
            # An operation another spec of this API adds (a fix documenting an undocumented
            # endpoint) is absent here, not wrong: it must then conform to that other spec.
            absent = [i for i, v in enumerate(verdicts[name]) if v and not_found(v)
                      and any(not verdicts[o][i] for o in names if o != name)]
            bad = [(r, v) for i, (r, v) in enumerate(zip(requests, verdicts[name])) if v and i not in absent]
            failures += len(bad)
            print(f"  {name}: {len(requests) - len(bad) - len(absent)} conform, {len(bad)} do not"
                  + (f", {len(absent)} to operations it does not document" if absent else ""))
            for i in absent:
                print(f"    not in {name}: {requests[i]['call']}: {requests[i]['method']} {requests[i]['path']}")
            for record, why in bad:
                print(f"    {record['call']}: {record['method']} {record['path']}"
                      + (f"?{record['query']}" if record["query"] else ""))
                for line in why:
                    print(f"      {line}")
        if len(names) == 2:
            a, b = names
            differ = [r for r, x, y in zip(requests, verdicts[a], verdicts[b]) if bool(x) != bool(y)]
            print(f"  {a} vs {b}: {len(differ)} requests judged differently")
            for record in differ:
                print(f"    {record['call']}: {record['method']} {record['path']}")
    print(f"\n{total} request validations, {failures} violations")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
