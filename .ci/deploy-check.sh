#!/usr/bin/env bash
# Renders the Helm chart (deploy/helm/keel) with every values file in deploy/helm/ci and validates
# each object offline by strict decoding into the Kubernetes API's Go types (deploy/validate);
# every file in deploy/helm/ci/must-fail must be refused by the chart. Helm is built from the Go
# module proxy once into .cache/bin (~70 s cold, seconds warm).
set -euo pipefail
cd "$(dirname "$0")/.."
HELM_VERSION=v3.22.1
KUBE_VERSION=1.34.0
helm=.cache/bin/helm
if ! [ -x "$helm" ] || ! "$helm" version --short 2>/dev/null | grep -q "^$HELM_VERSION"; then
  GOBIN="$PWD/.cache/bin" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
validator=.cache/bin/keel-validate
(cd deploy/validate && go build -o "../../$validator" .)

"$helm" lint --strict deploy/helm/keel -f deploy/helm/ci/mongo.yaml
status=0
for values in deploy/helm/ci/*.yaml; do
  printf '%s: ' "$values"
  "$helm" template keel deploy/helm/keel --namespace keel --kube-version "$KUBE_VERSION" -f "$values" | "$validator" || status=1
done
for values in deploy/helm/ci/must-fail/*.yaml; do
  if "$helm" template keel deploy/helm/keel --kube-version "$KUBE_VERSION" -f "$values" >/dev/null 2>.cache/helm-refusal.txt; then
    echo "$values: rendered, but the chart must refuse it" >&2
    status=1
  else
    echo "$values: refused ($(grep -o 'execution error.*' .cache/helm-refusal.txt | sed 's/^[^)]*): //' | head -1))"
  fi
done
exit "$status"
