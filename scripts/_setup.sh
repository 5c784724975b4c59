# Shared set-up steps of the README commands (sourced, not run).
# Each step checks first and installs only what is missing, so a second run is fast.

PYTHON=${PYTHON:-python3.11}
APT_UPDATED=0

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "Please install as root: $*" >&2; return 1; }
    sudo="sudo"
  fi
  if [ "$APT_UPDATED" = 0 ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_venv() {
  # $1: the extras to install ("" or "dev").
  local extras=$1 spec="." stamp
  [ -n "$extras" ] && spec=".[$extras]"
  if ! command -v "$PYTHON" >/dev/null; then PYTHON=python3; fi
  if [ ! -x .venv/bin/python ]; then
    say "Creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv 2>/dev/null || { apt_install python3-venv && rm -rf .venv && "$PYTHON" -m venv .venv; }
  fi
  # constraints.txt pins the versions the tests passed with, so that every install is the same set.
  stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)-${extras:-base}"
  if [ ! -f "$stamp" ]; then
    say "Installing the Python dependencies ($spec, versions of constraints.txt)"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -c constraints.txt "$spec"
    touch "$stamp"
  fi
  if ! .venv/bin/python -c "import weasyprint" >/dev/null 2>&1; then
    say "Installing the libraries WeasyPrint needs (Pango)"
    apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
  fi
}

ensure_nginx() {
  # For the load suite's check of deploy/nginx (Debian's package; the platform never needs it to run here).
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    say "Installing Debian's nginx"
    apt_install nginx
  fi
}

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null; then
    say "Installing PostgreSQL from Debian packages"
    apt_install postgresql postgresql-contrib
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    for _ in $(seq 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
  if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select 1" >/dev/null 2>&1; then
    say "Giving the postgres role the password the tests use"
    su postgres -c "psql -qc \"ALTER ROLE postgres WITH PASSWORD 'postgres'\"" >/dev/null
  fi
}

ensure_redis() {
  if ! command -v redis-server >/dev/null; then
    say "Installing Redis from Debian packages"
    apt_install redis-server
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "Starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 20); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "Installing Debian's chromium and chromium-driver for the browser tests"
    apt_install chromium chromium-driver
  fi
}
