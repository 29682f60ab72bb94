"""Schemathesis hooks for `npm run fuzz` (loaded through schemathesis.toml).

The fuzzer draws Idempotency-Key values from a tiny space ("0", "a", ...), so
two different requests soon share a key and the API rightly answers the second
with 422 `idempotency-key-reused`: most valid requests would never reach the
code behind the key. A client is meant to use a new key per operation, so a
request whose key is valid gets a fresh one. Requests where the key itself is
the invalid part (empty, too long, spaces) are sent as generated.
"""

import uuid

import schemathesis
from schemathesis.core.parameters import ParameterLocation

HEADER = "idempotency-key"


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers
    if not headers or case.meta is None or case.meta.is_negative_at(ParameterLocation.HEADER):
        return
    for name in list(headers):
        if name.lower() == HEADER:
            headers[name] = f"fuzz-{uuid.uuid4().hex}"
