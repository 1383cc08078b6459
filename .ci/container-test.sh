#!/usr/bin/env bash
# Build the real Dockerfile with podman, offline, and run it: /healthz, one search, HEALTHCHECK, a SIGTERM drain.
#
# No Docker engine and no image registry here, so:
#   * python:3.11-slim is a stand-in: Debian bookworm (python3 is 3.11) made by debootstrap, imported under that tag;
#   * the build has no network (--network=none): Python wheels come from build/wheelhouse, filled on the host with
#     `pip download` of requirements/runtime.txt and passed as --build-arg WHEELHOUSE;
#   * runc runtime and ulimits no higher than the host's, in a containers.conf pointed to by CONTAINERS_CONF.
# Needs root and: apt-get install podman buildah fuse-overlayfs slirp4netns uidmap debootstrap runc
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
IMAGE=${IMAGE:-localhost/vraagbaak:container-test}
BASE=docker.io/library/python:3.11-slim
CACHE=${CONTAINER_TEST_CACHE:-/var/tmp/vraagbaak-container-test}
PORT=${CONTAINER_TEST_PORT:-18765}
NAME=vraagbaak-ct-$$
START=$SECONDS
step() { printf '\n[container-test %4ds] %s\n' $((SECONDS - START)) "$*"; }
fail() { echo "container-test: FAIL: $*" >&2; exit 1; }

for tool in podman debootstrap runc curl; do
    command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install podman buildah fuse-overlayfs slirp4netns uidmap debootstrap runc)"
done
mkdir -p "$CACHE"

cat > "$CACHE/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
events_logger = "file"
CONF
export CONTAINERS_CONF="$CACHE/containers.conf"

step "base image $BASE (stand-in: debootstrap bookworm minbase + python3)"
if podman image exists "$BASE"; then
    echo "already present"
else
    if [ ! -s "$CACHE/bookworm-python.tar" ]; then
        root="$CACHE/rootfs"
        rm -rf "$root"
        debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates,curl \
            bookworm "$root" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 \
            || { tail -20 "$CACHE/debootstrap.log"; fail "debootstrap"; }
        ln -sf /usr/bin/python3 "$root/usr/local/bin/python"
        ln -sf /usr/bin/pip3 "$root/usr/local/bin/pip"
        rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
        tar -C "$root" -cf "$CACHE/bookworm-python.tar" .
        rm -rf "$root"
    fi
    podman import --change 'CMD ["python3"]' --change 'ENV LANG=C.UTF-8' "$CACHE/bookworm-python.tar" "$BASE" >/dev/null
fi
podman run --rm --network=none "$BASE" python --version

step "wheelhouse: pip download of requirements/runtime.txt -> build/wheelhouse"
mkdir -p build/wheelhouse
"$PYTHON" -m pip download -q --disable-pip-version-check --only-binary=:all: \
    --python-version 3.11 --platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 \
    --platform manylinux_2_17_x86_64 --implementation cp \
    -d build/wheelhouse -r requirements/runtime.txt -r requirements/build.txt 2> >(grep -v 'is ignored: it is neither a file' >&2)
ls build/wheelhouse | wc -l | xargs echo "wheels:"

step "debs: apt-get download of the FreeDict dictionaries -> build/debs"
rm -rf build/debs && mkdir -p build/debs
(cd build/debs && apt-get download -qq dict-freedict-nld-eng dict-freedict-eng-nld) \
    || fail "apt-get download dict-freedict-nld-eng dict-freedict-eng-nld (run apt-get update first)"
ls build/debs

step "podman build (offline: --pull=never --network=none)"
podman build --pull=never --network=none --format docker \
    --build-arg WHEELHOUSE=build/wheelhouse --build-arg DEBS=build/debs -t "$IMAGE" .

cleanup() { podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true; }
trap cleanup EXIT

step "run the container (host network, PORT=$PORT)"
TOKEN="container-test-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
podman run -d --name "$NAME" --network=host -e PORT="$PORT" -e VRAAGBAAK_ADMIN_TOKEN="$TOKEN" "$IMAGE" >/dev/null
[ "$(podman exec "$NAME" id -u)" != 0 ] || fail "the service runs as root"
ready=""
for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then ready=1; break; fi
    [ "$(podman inspect -f '{{.State.Running}}' "$NAME")" = true ] || { podman logs "$NAME" | tail -30; fail "the container exited"; }
    sleep 1
done
[ -n "$ready" ] || { podman logs "$NAME" | tail -30; fail "not ready after 120 s"; }
echo "ready after $((SECONDS - START)) s of the test"

step "/healthz and one search"
curl -fsS "http://127.0.0.1:$PORT/healthz"; echo
answer=$(curl -fsS "http://127.0.0.1:$PORT/api/search?q=Hoeveel+geld+gaat+er+structureel+naar+de+politie%3F&k=1")
echo "$answer" | head -c 400; echo
echo "$answer" | "$PYTHON" -c 'import json,sys; r=json.load(sys.stdin)["results"]; assert r and r[0]["citation"], r'
podman exec "$NAME" python -c 'from vraagbaak.index.glossary import load; g = load(); assert g, "no glossary"; print(len(g), "English glossary entries")' \
    || fail "the English glossary (FreeDict) is not installed in the image"

step "admin API: upload a Markdown note, wait for its job, search it (live reload in the container)"
printf -- '---\ntitle: Notitie over de kraanvogeltelling\n---\n\n# Aanpak\n\nDe kraanvogeltelling begint in het voorjaar van 2027 met drie provincies.\n' > "$CACHE/kraanvogels.md"
job=$(curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: text/markdown" \
      --data-binary @"$CACHE/kraanvogels.md" "http://127.0.0.1:$PORT/api/documents?filename=kraanvogels.md")
location=/api/jobs/$(echo "$job" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["job"]["id"])')
status=""
for _ in $(seq 1 240); do
    status=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$location" \
             | "$PYTHON" -c 'import json,sys; j=json.load(sys.stdin)["job"]; print(j["status"], j["error"] or "")')
    case "$status" in done*|failed*) break;; esac
    sleep 0.5
done
echo "job: $status"
[ "${status%% *}" = done ] || { podman logs "$NAME" | tail -30; fail "the upload's job did not end done: $status"; }
found=""
for _ in $(seq 1 50); do
    if curl -fsS "http://127.0.0.1:$PORT/api/search?q=kraanvogeltelling+voorjaar&k=1" | grep -q kraanvogeltelling; then found=1; break; fi
    sleep 0.2
done
[ -n "$found" ] || fail "the uploaded note is not found after its job"
echo "the new note is searchable"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Content-Type: text/markdown" --data-binary x \
       "http://127.0.0.1:$PORT/api/documents?filename=x.md")
[ "$code" = 401 ] || fail "an upload without the token got $code, not 401"
podman logs "$NAME" 2>&1 | grep -q "$TOKEN" && fail "the token is in the container's log"
echo "no token: 401; the token is not in the log"

step "HEALTHCHECK (docker format) passes"
podman inspect -f '{{.Config.Healthcheck.Test}}' "$NAME"
podman healthcheck run "$NAME" || fail "healthcheck run failed"
echo "healthy"

step "podman stop: SIGTERM drains within the grace period"
t0=$(date +%s.%N)
podman stop -t 10 "$NAME" >/dev/null
took=$("$PYTHON" -c "print(round($(date +%s.%N) - $t0, 1))")
code=$(podman inspect -f '{{.State.ExitCode}}' "$NAME")
echo "stopped in ${took} s, exit code $code"
podman logs "$NAME" 2>&1 | tail -5
[ "$code" = 0 ] || fail "exit code $code after SIGTERM (137 means it was killed at the end of the grace period)"

step "PASS in $((SECONDS - START)) s"
