#!/usr/bin/env bash
# Installs what the multi-host test suite runs against, each part skipped when already there:
# PostgreSQL 15 (Debian), and, built from the Go module proxy into a cache outside the clone,
# the Temporal server, its SQL schema tool (plus the schema files it applies) and versitygw.
set -euo pipefail

TEMPORAL_MODULE=go.temporal.io/server
TEMPORAL_VERSION=v1.32.2
# Temporal 1.32.2 declares a Go version newer than most installed toolchains; Go fetches it.
GO_TOOLCHAIN=go1.26.10
VERSITYGW_MODULE=github.com/versity/versitygw
VERSITYGW_VERSION=v1.8.0
PG_BIN=/usr/lib/postgresql/15/bin

CACHE_DIR="${DURABLE_JOBS_CACHE:-$HOME/.cache/durable-jobs}"
BIN_DIR="$CACHE_DIR/bin"
LOG_DIR="$CACHE_DIR/logs"
SCHEMA_DIR="$CACHE_DIR/temporal-schema/$TEMPORAL_VERSION"

log() { printf '[multi-host install] %s\n' "$*"; }
fail() { printf '[multi-host install] ERROR: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
go_pinned() { GOTOOLCHAIN="$GO_TOOLCHAIN" go "$@"; }

# The module version a Go binary was built from ("" when absent or unreadable).
built_version() {
  [ -x "$1" ] || return 0
  go version -m "$1" 2>/dev/null | awk -v m="$2" '$1 == "mod" && $2 == m { print $3 }'
}

# go_build NAME PACKAGE MODULE VERSION: go install into a private GOBIN, then rename to NAME.
go_build() {
  local name=$1 package=$2 module=$3 version=$4
  local target="$BIN_DIR/$name"
  if [ "$(built_version "$target" "$module")" = "$version" ]; then
    log "$name $version: already built ($target)"
    return 0
  fi
  local gobin
  gobin=$(mktemp -d "$BIN_DIR/.build-$name-XXXXXX")
  log "$name $version: building $package (log: $LOG_DIR/$name.log)"
  local started=$SECONDS
  if ! GOBIN="$gobin" go_pinned install "$package@$version" >"$LOG_DIR/$name.log" 2>&1; then
    tail -n 20 "$LOG_DIR/$name.log" >&2
    rm -rf "$gobin"
    fail "$name: go install $package@$version failed (full log: $LOG_DIR/$name.log)"
  fi
  mv -f "$gobin/${package##*/}" "$target"
  rm -rf "$gobin"
  log "$name $version: built in $((SECONDS - started)) s"
}

install_postgresql() {
  if [ -x "$PG_BIN/postgres" ]; then
    log "PostgreSQL 15: present ($PG_BIN)"
    return 0
  fi
  log "PostgreSQL 15: installing Debian's postgresql-15"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  [ -x "$PG_BIN/postgres" ] || fail "postgresql-15 installed but $PG_BIN/postgres is missing"
}

# The schema tool applies versioned SQL files shipped in the server module: keep a copy next to
# the binaries so that clearing Go's module cache does not break the suite.
install_schema() {
  if [ -f "$SCHEMA_DIR/.complete" ]; then
    log "Temporal schema $TEMPORAL_VERSION: present ($SCHEMA_DIR)"
    return 0
  fi
  local module_dir
  module_dir=$(go_pinned mod download -json "$TEMPORAL_MODULE@$TEMPORAL_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -d "$module_dir/schema/postgresql/v12" ] || fail "no schema/postgresql/v12 in '$module_dir'"
  local staging
  staging=$(mktemp -d "$CACHE_DIR/.schema-XXXXXX")
  mkdir -p "$staging/postgresql"
  cp -R "$module_dir/schema/postgresql/v12" "$staging/postgresql/v12"
  chmod -R u+w,a+rX "$staging"
  touch "$staging/.complete"
  rm -rf "$SCHEMA_DIR"
  mkdir -p "$(dirname "$SCHEMA_DIR")"
  mv "$staging" "$SCHEMA_DIR"
  log "Temporal schema $TEMPORAL_VERSION: copied to $SCHEMA_DIR"
}

main() {
  command -v go >/dev/null ||
    fail "Go is needed (any version >= 1.21: it fetches the pinned toolchain $GO_TOOLCHAIN itself)"
  mkdir -p "$BIN_DIR" "$LOG_DIR"
  if command -v flock >/dev/null; then
    exec 9>"$CACHE_DIR/.install.lock"
    flock 9
  fi

  # The server build is by far the longest (minutes): start it first, do the rest meanwhile.
  go_build temporal-server "$TEMPORAL_MODULE/cmd/server" "$TEMPORAL_MODULE" "$TEMPORAL_VERSION" &
  local server_build=$!
  local status=0
  install_postgresql || status=$?
  if [ "$status" -eq 0 ]; then
    go_build versitygw "$VERSITYGW_MODULE/cmd/versitygw" "$VERSITYGW_MODULE" "$VERSITYGW_VERSION" ||
      status=$?
  fi
  wait "$server_build" || status=$?
  [ "$status" -eq 0 ] || fail "installation failed"
  go_build temporal-sql-tool "$TEMPORAL_MODULE/cmd/tools/sql" "$TEMPORAL_MODULE" "$TEMPORAL_VERSION"
  install_schema
  log "ready: $BIN_DIR"
}

main "$@"
