#!/usr/bin/env bash
# The tests drive real binaries: promtool/prometheus (alert rules, scrapes), chromium (browser
# tests), docker-compose (compose file validation) and PostgreSQL's server programs (initdb,
# pg_ctl, pg_basebackup: private servers, a primary with a streaming standby), even where the
# tests' own database is the embedded PGlite. Installs the missing ones from Debian's packages
# when it can (root with apt-get); otherwise says what to install.
set -euo pipefail
declare -A package_of=([promtool]=prometheus [prometheus]=prometheus [chromium]=chromium [docker-compose]=docker-compose)
missing=()
for tool in promtool prometheus chromium docker-compose; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
# Debian keeps the server programs off the PATH, in /usr/lib/postgresql/<version>/bin.
server_programs=(initdb pg_ctl pg_basebackup)
has_postgres_server=false
for bin in /usr/lib/postgresql/*/bin; do
  complete=true
  for program in "${server_programs[@]}"; do [ -x "$bin/$program" ] || complete=false; done
  if $complete; then has_postgres_server=true; fi
done
$has_postgres_server || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing test tools: $packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
else
  echo "the tests need: $packages — install them (Debian: sudo apt-get install -y $packages)" >&2
  exit 1
fi
