#!/bin/sh
# The namespace and the custom search attributes support staff filter by in the UI.
set -eu
NAMESPACE="${DEFAULT_NAMESPACE:-default}"
temporal operator namespace describe -n "$NAMESPACE" >/dev/null 2>&1 || temporal operator namespace create -n "$NAMESPACE" --retention 72h
for attribute in CustomerId OrderId CheckoutStatus FailureReason; do
  temporal operator search-attribute create -n "$NAMESPACE" --name "$attribute" --type Keyword 2>/dev/null || true
done
temporal operator search-attribute list -n "$NAMESPACE"
