#!/usr/bin/env bash
# Simandiri benchmark: prints figures (it is not a test). See bench/README.md.
#
#   bench/run.sh                                                # SQLite, 3,800 and 38,000 centres
#   bench/run.sh --pg postgres://postgres@127.0.0.1:5432/test   # SQLite and PostgreSQL
#   bench/run.sh --sizes 3800 --runs 5 --duration 5
#
# Measures, in one run: a plain axum hello-world (bench/hello.rs) at the start and at the end,
# and Simandiri at each data size (3,800 = national scale, 38,000 = 10x) per endpoint group
# (name search, home page, directory filtered by area, centre profile pages; a BLKK's batch
# list, the national and province placement figures, the public training search), with
# `wrk -t2 -c16`. Every throughput is also shown as a percentage of the hello-world's, which
# takes out most of the machine-to-machine difference. Figures are medians of several runs.
# Also reports generation time, start-up time and memory. The Markdown report goes to stdout
# and to bench/out/latest.md.
set -euo pipefail
shopt -s inherit_errexit

usage() {
  cat <<'EOF'
Usage: bench/run.sh [--sizes N,N,...] [--years N] [--duration SECONDS] [--runs N] [--pg URL]
                    [--no-build]

  --sizes N,N,...     numbers of generated centres to measure (default 3800,38000); each gets a
                      fresh database (`generate --seed 1`). The targets compare the largest size
                      with the smallest.
  --years N           years of trainings generated at the smallest size (default 10: national
                      scale, ~2.5 million enrolments at 3,800 centres); larger sizes get one
                      year, as they check the directory at 10x, not ten times the trainings
  --duration SECONDS  length of each measured wrk run (default 10)
  --runs N            measured wrk runs per endpoint group, after a warm-up (default 3); the
                      report gives medians
  --pg URL            also benchmark PostgreSQL: scratch databases `simandiri_bench_<size>` are
                      created (dropped first) on the server of URL, which must let that user
                      create databases, and dropped at exit; URL's own database is only used
                      to connect.
  --groups A,B,...    measure only these endpoint groups (default: all of name, home, area,
                      profile, batches, placement, public, compliance, selffunding, grid,
                      aid, figures,
                      home_admin, home_pengelola, home_pembina, home_disnaker, home_forum,
                      home_mitra, picker)
  --no-build          do not run cargo; use the binaries already built
  -h, --help          this help

Environment:
  SIMANDIRI_BIN       Simandiri binary (default target/release/simandiri), e.g. an older build
                      kept aside to compare before/after
  HELLO_BIN           hello-world binary (default target/release/examples/hello)
EOF
}

SIZES_ARG="3800,38000"
YEARS=10
DURATION=10
LOAD_RUNS=3
PG_URL=""
BUILD=1
GROUPS_ARG=""
while (($#)); do
  case "$1" in
    --sizes) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; SIZES_ARG=$2; shift 2 ;;
    --sizes=*) SIZES_ARG=${1#--sizes=}; shift ;;
    --years) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; YEARS=$2; shift 2 ;;
    --years=*) YEARS=${1#--years=}; shift ;;
    --duration) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; DURATION=$2; shift 2 ;;
    --duration=*) DURATION=${1#--duration=}; shift ;;
    --runs) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; LOAD_RUNS=$2; shift 2 ;;
    --runs=*) LOAD_RUNS=${1#--runs=}; shift ;;
    --pg) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; PG_URL=$2; shift 2 ;;
    --pg=*) PG_URL=${1#--pg=}; shift ;;
    --groups) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; GROUPS_ARG=$2; shift 2 ;;
    --groups=*) GROUPS_ARG=${1#--groups=}; shift ;;
    --no-build) BUILD=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || { echo "bench: --duration must be a positive integer" >&2; exit 2; }
[[ $YEARS =~ ^[0-9]+$ ]] && ((YEARS <= 30)) || { echo "bench: --years must be 0 to 30" >&2; exit 2; }
[[ $LOAD_RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs must be a positive integer" >&2; exit 2; }
[[ $SIZES_ARG =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] ||
  { echo "bench: --sizes wants positive integers separated by commas, e.g. 3800,38000" >&2; exit 2; }
mapfile -t SIZES < <(tr ',' '\n' <<<"$SIZES_ARG" | sort -n -u)
SIZE_MIN=${SIZES[0]}
SIZE_MAX=${SIZES[-1]}

# ---- settings -------------------------------------------------------------------------
SEED=1
STARTUP_RUNS=7
WARMUP_SECS=3
THREADS=2
CONNECTIONS=16
PG_SCRATCH_PREFIX=simandiri_bench
# Targets, checked at the largest size: throughput as a percentage of the hello-world's.
TARGET_NAME_PCT=2
TARGET_HOME_PCT=5
# Run-to-run noise on this kind of machine; only used to annotate a near miss.
NOISE_PCT=5

# Endpoint groups: each is measured on its own, wrk rotating the group's paths.
# `profile` paths (/centres/ID) and `batches` paths (?centre=ID) are filled in per database
# from the JSON API. Groups in SIGNED_IN send the session cookie of a ministry admin.
# Placement figures are for last year (complete, with its tracer study under way).
FIGURES_YEAR=$(($(date +%Y) - 1))
# Compliance of the monthly activity report (type 1 in a generated database) for last month.
LAST_MONTH=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)
EP_GROUPS=(name home area profile batches placement public compliance selffunding grid aid
  figures home_admin home_pengelola home_pembina home_disnaker home_forum home_mitra picker)
if [[ -n $GROUPS_ARG ]]; then
  mapfile -t EP_GROUPS < <(tr ',' '\n' <<<"$GROUPS_ARG")
fi
SIGNED_IN=" batches placement compliance selffunding grid aid figures picker "
# Each role's home with its work queue (page and API), signed in as a user of that role
# created in each benchmark database (GROUP_COOKIE).
ROLE_GROUPS=(home_admin home_pengelola home_pembina home_disnaker home_forum home_mitra)
declare -A GROUP_COOKIE=()
declare -A GROUP_LABEL=(
  [name]="name search"
  [home]="home page"
  [area]="directory by area"
  [profile]="centre profile"
  [batches]="BLKK batch list"
  [placement]="placement figures"
  [public]="public training search"
  [compliance]="report compliance"
  [selffunding]="self-funding figures"
  [grid]="compliance by province over 12 periods"
  [aid]="aid allocations (behind schedule, by lag)"
  [figures]="figures API (actions, income, reports, BLKK)"
  [home_admin]="home + queue: admin"
  [home_pengelola]="home + queue: pengelola"
  [home_pembina]="home + queue: pembina"
  [home_disnaker]="home + queue: disnaker"
  [home_forum]="home + queue: forum"
  [home_mitra]="home + queue: mitra"
  [picker]="picker search"
)
declare -A GROUP_PATHS=(
  [name]="/centres?q=darul /centres?q=nurul /api/v1/centres?q=al-hikmah /centres?q=bina+insani /api/v1/centres?q=darul+ulum /centres?q=gki"
  [home]="/"
  [area]="/centres?province=35 /api/v1/centres?province=36 /centres?regency=33.74 /api/v1/centres?regency=35.78"
  [profile]=""
  [batches]=""
  [placement]="/api/v1/stats/trainings?year=$FIGURES_YEAR /api/v1/stats/trainings?year=$FIGURES_YEAR&province=35 /trainings/stats?year=$FIGURES_YEAR /trainings/stats?year=$FIGURES_YEAR&province=32"
  [public]="/pelatihan /pelatihan?province=35 /api/v1/public/trainings?kejuruan=menjahit /api/v1/public/trainings?regency=33.74 /pelatihan?province=32&cost=gratis"
  [compliance]="/api/v1/compliance?type=1&period=$LAST_MONTH&scope=nation /api/v1/compliance?type=1&period=$LAST_MONTH&scope=province:35 /reports/compliance?type=1&period=$LAST_MONTH /reports/compliance?type=1&period=$LAST_MONTH&scope=province:32"
  [selffunding]="/api/v1/stats/self-funding?year=$FIGURES_YEAR&scope=nation /api/v1/stats/self-funding?year=$FIGURES_YEAR&scope=province:35 /income/stats?year=$FIGURES_YEAR /income/stats?year=$FIGURES_YEAR&scope=province:32"
  [grid]="/api/v1/compliance/grid?type=1&period=$LAST_MONTH /api/v1/compliance/grid?type=1&period=$LAST_MONTH&sort=timeliness"
  [aid]="/api/v1/aid-programs/1/allocations?behind=true&sort=lag /aid/1?behind=1&sort=lag /api/v1/aid-programs/1/allocations /aid/1"
  [figures]="/api/v1/figures?codes=visits.actions_open,centres.active&period=$FIGURES_YEAR&scope=nation /api/v1/figures?codes=income.own,income.total,income.band/1&period=$FIGURES_YEAR&scope=province:35 /api/v1/figures?codes=reports.sent/1,reports.on_time/1&period=$LAST_MONTH&scope=nation /api/v1/figures?codes=reports.sent/1&period=$FIGURES_YEAR&scope=province:32"
  [home_admin]="/ /api/v1/work"
  [home_pengelola]="/ /api/v1/work"
  [home_pembina]="/ /api/v1/work"
  [home_disnaker]="/ /api/v1/work"
  [home_forum]="/ /api/v1/work"
  [home_mitra]="/ /api/v1/work"
  [picker]="/api/v1/records/search?kind=centre&q=darul /api/v1/records/search?kind=centre&q=nurul+huda /api/v1/records/search?kind=org&q=dinas /api/v1/records/search?kind=org&q=bbpvp /api/v1/records/search?kind=aid_program&q=pbk /api/v1/records/search?kind=report_type&q=bulanan"
)
# The figures groups (issue 19): each at least this share of the hello-world at 16
# connections, and under 10 ms one request at a time.
FIGURE_GROUPS="compliance selffunding placement grid aid figures"
TARGET_FIGURES_PCT=2
# Reports sent at once, over HTTP, by as many BLKK managers (bench/submit.rs).
SUBMITS=500
# The ministry admin the signed-in groups use (created in each benchmark database).
BENCH_EMAIL=bench-admin@simandiri.test
BENCH_PASSWORD="bench-$(date +%s)-$RANDOM$RANDOM"
COOKIE=""

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN=${SIMANDIRI_BIN:-$ROOT/target/release/simandiri}
HELLO=${HELLO_BIN:-$ROOT/target/release/examples/hello}
SUBMIT=${SUBMIT_BIN:-$ROOT/target/release/examples/submit}
LUA=$ROOT/bench/directory.lua
OUT_DIR=$ROOT/bench/out

say() { printf '%s\n' "$*" >&2; }
step() { printf '\n==> %s\n' "$*" >&2; }
die() {
  printf '\nbench: ERROR: %s\n' "$*" >&2
  exit 1
}
now_ns() { date +%s%N; }

# ---- clean-up -------------------------------------------------------------------------
DIR=""
SERVER_PID=""
PG_ADMIN_URL=""
PG_CREATED=()

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    # Graceful shutdown first; force it if the server hangs.
    local i
    for i in $(seq 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

drop_pg_db() {
  psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
}

cleanup() {
  local rc=$? db
  set +e
  stop_server
  for db in "${PG_CREATED[@]}"; do
    drop_pg_db "$db" 2>/dev/null || say "bench: warning: could not drop database $db"
  done
  if [[ -n $DIR && -d $DIR ]]; then rm -rf -- "$DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- tools ----------------------------------------------------------------------------
ensure_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v wrk >/dev/null || missing+=(wrk)
  if [[ -n $PG_URL ]] && ! command -v psql >/dev/null; then missing+=(postgresql-client); fi
  if ((${#missing[@]})); then
    step "installing ${missing[*]}"
    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo=sudo; fi
    $sudo apt-get install -y "${missing[@]}" >&2 ||
      { $sudo apt-get update >&2 && $sudo apt-get install -y "${missing[@]}" >&2; } ||
      die "could not install ${missing[*]}"
  fi
  local t tools=(curl wrk awk sed grep sort date nproc seq mktemp)
  if ((BUILD)); then tools+=(cargo); fi
  for t in "${tools[@]}"; do
    command -v "$t" >/dev/null || die "missing tool: $t"
  done
}

# ---- small helpers --------------------------------------------------------------------
# Median of numbers (mean of the two middle ones for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
minimum() { printf '%s\n' "$@" | sort -g | head -n1; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n1; }
# fmt DECIMALS NUMBER
fmt() { awk -v d="$1" -v x="$2" 'BEGIN { printf "%.*f", d, x }'; }
# 38000 -> 38,000
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
us_to_ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
# pct PART WHOLE -> percentage with 2 decimals
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", 100 * a / b }'; }
# ge A B -> exit status 0 if A >= B
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
# field NAME LINE: value of NAME=value in a WRK_RESULT line
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  for p in $(seq 18400 18499); do
    if ! port_in_use "$p"; then
      echo "$p"
      return
    fi
  done
  die "no free port in 18400-18499"
}

# /proc/PID/status -> "RSS_KIB HWM_KIB"
read_mem() {
  awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r, h }' "/proc/$1/status"
}

# start_server LOG CMD ARGS...: sets SERVER_PID and START_NS (just before the spawn).
START_NS=0
start_server() {
  local log=$1
  shift
  if port_in_use "$PORT"; then die "port $PORT is already in use (a server left over?)"; fi
  START_NS=$(now_ns)
  "$@" >"$log" 2>&1 &
  SERVER_PID=$!
}
start_simandiri() { start_server "$2" "$BIN" serve --database-url "$1" --bind "127.0.0.1:$PORT"; }

# wait_ready PATH T0_NS LOG: polls PATH every ~5 ms; prints ms from T0 until it answered 200.
wait_ready() {
  local path=$1 t0=$2 log=$3 code t
  local deadline=$((t0 + 60 * 1000000000))
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE$path" 2>/dev/null) || true
    t=$(now_ns)
    if [[ $code == 200 ]]; then
      awk -v a="$t0" -v b="$t" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'
      return
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      say "--- server log (last 30 lines) ---"
      tail -n 30 "$log" >&2 || true
      die "the server exited before $path answered 200"
    fi
    if ((t > deadline)); then
      tail -n 30 "$log" >&2 || true
      die "$path did not answer 200 within 60 s (last status: ${code:-none})"
    fi
    sleep 0.005
  done
}

# check_paths PATH...: every path must answer 200 before it is measured (signed in when
# COOKIE is set).
check_paths() {
  local u code body=$DIR/check-body failed=0
  for u in "$@"; do
    code=$(curl -s -o "$body" -w '%{http_code}' --max-time 30 ${COOKIE:+-H "Cookie: $COOKIE"} "$BASE$u") || code="curl-failed"
    if [[ $code != 200 ]]; then
      say "  FAIL $code $u"
      head -c 600 "$body" >&2 2>/dev/null || true
      say ""
      failed=1
    else
      say "  ok   200 $u ($(wc -c <"$body") bytes)"
    fi
  done
  ((failed == 0)) || die "some benchmark URLs do not answer 200 (see above)"
}

# profile_paths: a few /centres/ID paths, two ids from the first, middle and last page of the
# JSON directory (ids read with grep/sed, so neither jq nor python is needed).
profile_paths() {
  local json pages p id paths=() seen=" "
  json=$(curl -sf --max-time 30 "$BASE/api/v1/centres?page=1") || die "GET /api/v1/centres?page=1 failed"
  pages=$(sed -n 's/.*"pages":\([0-9][0-9]*\).*/\1/p' <<<"$json")
  [[ $pages =~ ^[0-9]+$ ]] && ((pages > 0)) || die "no \"pages\" in /api/v1/centres?page=1"
  for p in 1 $(((pages + 1) / 2)) "$pages"; do
    json=$(curl -sf --max-time 30 "$BASE/api/v1/centres?page=$p") || die "GET /api/v1/centres?page=$p failed"
    for id in $(grep -o '"id":[0-9][0-9]*' <<<"$json" | awk -F: 'NR <= 2 { print $2 }'); do
      if [[ $seen != *" $id "* ]]; then
        seen+="$id "
        paths+=("/centres/$id")
      fi
    done
  done
  ((${#paths[@]})) || die "no centre ids found in /api/v1/centres"
  echo "${paths[*]}"
}

# sign_in [EMAIL]: the session cookie of the benchmark's admin (COOKIE), or of EMAIL (printed),
# through the login form.
sign_in() {
  local email=${1:-$BENCH_EMAIL} headers=$DIR/login-headers csrf session
  curl -sf --max-time 30 -D "$headers" -o /dev/null "$BASE/login" || die "GET /login failed"
  csrf=$(sed -n 's/^[Ss]et-[Cc]ookie: simandiri_csrf=\([^;]*\).*/\1/p' "$headers" | tr -d '\r' | tail -n1)
  [[ -n $csrf ]] || die "GET /login set no CSRF cookie"
  curl -s --max-time 30 -D "$headers" -o /dev/null -H "Cookie: simandiri_csrf=$csrf" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "email=$email" \
    --data-urlencode "password=$BENCH_PASSWORD" "$BASE/login" || die "POST /login failed"
  session=$(sed -n 's/^[Ss]et-[Cc]ookie: simandiri_session=\([^;]*\).*/\1/p' "$headers" | tr -d '\r' | tail -n1)
  [[ -n $session ]] || { cat "$headers" >&2; die "signing in as $email gave no session"; }
  if [[ -n ${1:-} ]]; then echo "simandiri_session=$session"; else COOKIE="simandiri_session=$session"; fi
}

# first_org KIND: the id of the first organisation of KIND, read as the admin.
first_org() {
  local json
  json=$(curl -sf --max-time 30 -H "Cookie: $COOKIE" "$BASE/api/v1/orgs?kind=$1&q=&page=1") ||
    die "GET /api/v1/orgs?kind=$1 failed"
  grep -o '"id":[0-9][0-9]*' <<<"$json" | head -n1 | cut -d: -f2
}

# role_users URL CENTRE_ID: a user of every role in ROLE_GROUPS (the BLKK manager's of
# CENTRE_ID), created with the CLI, each signed in (GROUP_COOKIE).
role_users() {
  local url=$1 centre=$2 role org email
  for g in "${ROLE_GROUPS[@]}"; do
    role=${g#home_}
    case $role in
      admin) GROUP_COOKIE[$g]=$COOKIE; continue ;;
      pengelola) org=$centre ;;
      pembina) org=$(first_org uptp) ;;
      *) org=$(first_org "$role") ;;
    esac
    [[ $org =~ ^[0-9]+$ ]] || die "no organisation for the $role user"
    email="bench-$role@simandiri.test"
    printf '%s\n' "$BENCH_PASSWORD" |
      "$BIN" user create --email "$email" --role "$role" --org "$org" --name "Benchmark $role" \
        --database-url "$url" >"$DIR/user-$role.log" 2>&1 ||
      { cat "$DIR/user-$role.log" >&2; die "could not create $email"; }
    GROUP_COOKIE[$g]=$(sign_in "$email")
  done
}

# one_at_a_time PREFIX GROUP: each path of GROUP asked 30 times in a row (warm, one request
# at a time, curl's total time); stores the median in ms as R[PREFIX.GROUP.one].
one_at_a_time() {
  local prefix=$1 g=$2 u i times=() t
  local -a paths
  read -r -a paths <<<"${GROUP_PATHS[$g]}"
  for u in "${paths[@]}"; do
    for i in $(seq 33); do
      t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 30 ${COOKIE:+-H "Cookie: $COOKIE"} "$BASE$u")
      if ((i > 3)); then times+=("$(awk -v t="$t" 'BEGIN { printf "%.0f", t * 1000000 }')"); fi
    done
  done
  R[$prefix.$g.one]=$(us_to_ms "$(median "${times[@]}")")
  say "  ${GROUP_LABEL[$g]} one at a time: median ${R[$prefix.$g.one]} ms over ${#times[@]} requests"
}

# run_wrk GROUP SECONDS PATH... -> the WRK_RESULT line (signed in for the SIGNED_IN groups)
run_wrk() {
  local group=$1 secs=$2 out=$DIR/wrk.out line cookie=""
  shift 2
  if [[ $SIGNED_IN == *" $group "* ]]; then cookie=$COOKIE; fi
  if [[ -n ${GROUP_COOKIE[$group]:-} ]]; then cookie=${GROUP_COOKIE[$group]}; fi
  BENCH_COOKIE=$cookie wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --timeout 10s -s "$LUA" "$BASE" -- "$@" >"$out" 2>&1 ||
    { cat "$out" >&2; die "wrk failed"; }
  line=$(grep '^WRK_RESULT ' "$out") || { cat "$out" >&2; die "wrk printed no WRK_RESULT line"; }
  echo "$line"
}
wrk_errors() {
  local f e=0
  for f in err_connect err_read err_write err_status err_timeout; do e=$((e + $(field "$f" "$1"))); done
  echo "$e"
}

# Results, keyed "prefix.metric" (prefix: hello1, hello2, or BACKEND.SIZE).
declare -A R

# measure PREFIX GROUP... : against the running server at $BASE. Each group gets a warm-up;
# then the measured runs are interleaved (run 1 of every group, run 2 of every group, ...), so
# slow drift of the machine spreads over all groups. Paths come from GROUP_PATHS, or "/" for
# the group `hello`. Stores p50/p90/p99 (ms), rps, errs, reqs per group (medians of the runs).
measure() {
  local prefix=$1 g i line e
  shift
  local -A p50s p99s p90s rpss errs reqs
  local -a paths
  for g in "$@"; do
    read -r -a paths <<<"${GROUP_PATHS[$g]:-/}"
    say "  warm-up ${WARMUP_SECS}s: ${GROUP_LABEL[$g]:-$g}"
    run_wrk "$g" "$WARMUP_SECS" "${paths[@]}" >/dev/null
    p50s[$g]="" p90s[$g]="" p99s[$g]="" rpss[$g]="" errs[$g]=0 reqs[$g]=0
  done
  for i in $(seq "$LOAD_RUNS"); do
    for g in "$@"; do
      read -r -a paths <<<"${GROUP_PATHS[$g]:-/}"
      line=$(run_wrk "$g" "$DURATION" "${paths[@]}")
      p50s[$g]+=" $(field p50_us "$line")"
      p90s[$g]+=" $(field p90_us "$line")"
      p99s[$g]+=" $(field p99_us "$line")"
      rpss[$g]+=" $(field rps "$line")"
      e=$(wrk_errors "$line")
      errs[$g]=$((${errs[$g]} + e))
      reqs[$g]=$((${reqs[$g]} + $(field requests "$line")))
      say "  run $i $(printf '%-18s' "${GROUP_LABEL[$g]:-$g}") p50 $(us_to_ms "$(field p50_us "$line")") ms, p99 $(us_to_ms "$(field p99_us "$line")") ms, $(fmt 0 "$(field rps "$line")") req/s, errors/non-2xx $e"
      if ((e > 0)); then say "    $line"; fi
    done
  done
  for g in "$@"; do
    # shellcheck disable=SC2086 # word splitting of the space-separated lists is intended
    {
      R[$prefix.$g.p50]=$(us_to_ms "$(median ${p50s[$g]})")
      R[$prefix.$g.p90]=$(us_to_ms "$(median ${p90s[$g]})")
      R[$prefix.$g.p99]=$(us_to_ms "$(median ${p99s[$g]})")
      R[$prefix.$g.rps]=$(fmt 1 "$(median ${rpss[$g]})")
      R[$prefix.$g.rps_all]=${rpss[$g]}
      R[$prefix.$g.p50_all]=${p50s[$g]}
    }
    R[$prefix.$g.errs]=${errs[$g]}
    R[$prefix.$g.reqs]=${reqs[$g]}
    say "  median $(printf '%-18s' "${GROUP_LABEL[$g]:-$g}") p50 ${R[$prefix.$g.p50]} ms, p99 ${R[$prefix.$g.p99]} ms, $(fmt 0 "${R[$prefix.$g.rps]}") req/s; ${errs[$g]} errors/non-2xx in ${reqs[$g]} requests"
  done
}

# bench_hello PREFIX WHEN
bench_hello() {
  local prefix=$1 when=$2 log=$DIR/hello-$1.log rss hwm
  step "hello-world ($when): wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $LOAD_RUNS runs"
  start_server "$log" "$HELLO" "127.0.0.1:$PORT"
  wait_ready / "$START_NS" "$log" >/dev/null
  check_paths /
  measure "$prefix" hello
  read -r rss hwm <<<"$(read_mem "$SERVER_PID")"
  R[$prefix.rss1]=$rss
  R[$prefix.hwm1]=$hwm
  stop_server
}

# bench_size BACKEND_KEY BACKEND_NAME SIZE DB_URL
bench_size() {
  local key=$1 name=$2 size=$3 url=$4
  local p="$key.$size" t0 t1 out ms i log rss hwm g
  local label="$name, $(thousands "$size") centres"

  local years=1
  if ((size == SIZE_MIN)); then years=$YEARS; fi
  R[$p.years]=$years
  step "[$label] generating (seed $SEED, $years years of trainings)"
  t0=$(now_ns)
  "$BIN" generate --centres "$size" --years "$years" --seed "$SEED" --database-url "$url" \
    >"$DIR/generate-$p.log" 2>&1 ||
    { tail -n 30 "$DIR/generate-$p.log" >&2; die "generate failed ($label)"; }
  t1=$(now_ns)
  # The app logs to stdout too; keep its summary line.
  out=$(grep '^generated ' "$DIR/generate-$p.log" || true)
  say "  $out"
  R[$p.gen_s]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  say "  generation took ${R[$p.gen_s]} s wall (migrations + reference areas + data)"
  R[$p.enrolments]=$(sed -n 's/.* \([0-9][0-9]*\) enrolments.*/\1/p' <<<"$out")
  printf '%s\n' "$BENCH_PASSWORD" |
    "$BIN" user create --email "$BENCH_EMAIL" --role admin --name "Benchmark" --database-url "$url" \
      >"$DIR/user-$p.log" 2>&1 || { cat "$DIR/user-$p.log" >&2; die "could not create $BENCH_EMAIL"; }

  step "[$label] time to start serving ($STARTUP_RUNS runs)"
  local starts=()
  for i in $(seq "$STARTUP_RUNS"); do
    log=$DIR/serve-$p-start-$i.log
    start_simandiri "$url" "$log"
    ms=$(wait_ready /healthz "$START_NS" "$log")
    stop_server
    starts+=("$ms")
    say "  run $i: $ms ms"
  done
  R[$p.start_med]=$(median "${starts[@]}")
  R[$p.start_min]=$(minimum "${starts[@]}")
  R[$p.start_max]=$(maximum "${starts[@]}")
  say "  median ${R[$p.start_med]} ms (min ${R[$p.start_min]}, max ${R[$p.start_max]})"
  # Size once the servers are gone. The WAL is shown apart: whether it was checkpointed
  # into the main file on exit varies from run to run.
  if [[ $url == sqlite://* ]]; then
    local f=${url#sqlite://}
    R[$p.db_size]="$(du -m "$f" | cut -f1) MiB"
    if [[ -s $f-wal ]]; then R[$p.db_size]+=" (+$(du -m "$f-wal" | cut -f1) MiB WAL)"; fi
  else
    R[$p.db_size]="$(psql "$url" -qXtA -c "SELECT pg_database_size(current_database()) / 1048576" 2>/dev/null || echo "?") MiB"
  fi

  step "[$label] load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s per endpoint group, $LOAD_RUNS runs each"
  log=$DIR/serve-$p-load.log
  start_simandiri "$url" "$log"
  wait_ready /healthz "$START_NS" "$log" >/dev/null
  read -r rss hwm <<<"$(read_mem "$SERVER_PID")"
  R[$p.rss0]=$rss
  say "  memory right after start: VmRSS $(kib_to_mib "$rss") MiB"
  GROUP_PATHS[profile]=$(profile_paths)
  R[$p.profile_paths]=${GROUP_PATHS[profile]}
  # The batch lists of the same BLKK, half as pages, half as JSON.
  local id n=0 batches=()
  for id in ${GROUP_PATHS[profile]//\/centres\//}; do
    if ((n++ % 2)); then batches+=("/api/v1/trainings?centre=$id"); else batches+=("/trainings?centre=$id"); fi
  done
  GROUP_PATHS[batches]=${batches[*]}
  R[$p.batches_paths]=${GROUP_PATHS[batches]}
  COOKIE=""
  GROUP_COOKIE=()
  sign_in
  local first_centre=${GROUP_PATHS[profile]%% *}
  role_users "$url" "${first_centre#/centres/}"
  local all=() paths
  for g in "${EP_GROUPS[@]}"; do
    read -r -a paths <<<"${GROUP_PATHS[$g]}"
    all+=("${paths[@]}")
  done
  check_paths "${all[@]}" /healthz
  for g in "${ROLE_GROUPS[@]}"; do
    if [[ " ${EP_GROUPS[*]} " == *" $g "* ]]; then
      COOKIE=${GROUP_COOKIE[$g]} check_paths ${GROUP_PATHS[$g]}
    fi
  done
  measure "$p" "${EP_GROUPS[@]}"
  for g in picker $FIGURE_GROUPS; do
    if [[ " ${EP_GROUPS[*]} " == *" $g "* ]]; then one_at_a_time "$p" "$g"; fi
  done
  step "[$label] $SUBMITS reports sent at once, then until the national figures show them"
  local line
  line=$("$SUBMIT" --base "$BASE" --database-url "$url" --admin "$BENCH_EMAIL" \
    --password "$BENCH_PASSWORD" --n "$SUBMITS" 2>"$DIR/submit-$p.log" | grep '^SUBMIT_RESULT ') ||
    { cat "$DIR/submit-$p.log" >&2; die "the submission run failed ($label)"; }
  say "  $line"
  R[$p.submit]=$line
  read -r rss hwm <<<"$(read_mem "$SERVER_PID")"
  R[$p.rss1]=$rss
  R[$p.hwm1]=$hwm
  say "  memory after load: VmRSS $(kib_to_mib "$rss") MiB, VmHWM $(kib_to_mib "$hwm") MiB"
  stop_server
}

# ---- main -----------------------------------------------------------------------------
ensure_tools
if [[ -n $PG_URL ]]; then
  [[ $PG_URL =~ ^postgres(ql)?:// ]] || die "--pg wants a postgres:// URL"
  psql "$PG_URL" -qXtA -c "SELECT 1" >/dev/null || die "cannot connect to $PG_URL"
fi

if ((BUILD)); then
  step "building the release binaries"
  cargo build --release --bin simandiri --example hello --example submit >&2 ||
    die "cargo build --release --bin simandiri --example hello --example submit failed"
fi
[[ -x $BIN ]] || die "no Simandiri binary at $BIN"
[[ -x $HELLO ]] || die "no hello-world binary at $HELLO"
[[ -x $SUBMIT ]] || die "no submission helper at $SUBMIT"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/simandiri-bench.XXXXXX")
PORT=$(pick_port)
BASE=http://127.0.0.1:$PORT
say "temp dir $DIR, port $PORT, sizes ${SIZES[*]}"
T_START=$(now_ns)

bench_hello hello1 "start of run"

BACKENDS=(sqlite)
declare -A BACKEND_NAME=([sqlite]=SQLite)
for size in "${SIZES[@]}"; do
  bench_size sqlite SQLite "$size" "sqlite://$DIR/bench-$size.db"
  rm -f -- "$DIR/bench-$size.db" "$DIR/bench-$size.db-wal" "$DIR/bench-$size.db-shm"
done

if [[ -n $PG_URL ]]; then
  PG_ADMIN_URL=$PG_URL
  # Same server and credentials, database replaced by the scratch one (query string kept).
  [[ $PG_URL =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]] || die "cannot parse --pg URL"
  PG_BASE=${BASH_REMATCH[1]}
  PG_QUERY=${BASH_REMATCH[4]}
  PG_VERSION=$(psql "$PG_URL" -qXtA -c "SHOW server_version" 2>/dev/null | cut -d' ' -f1 || true)
  BACKENDS+=(pg)
  BACKEND_NAME[pg]="PostgreSQL $PG_VERSION"
  for size in "${SIZES[@]}"; do
    db=${PG_SCRATCH_PREFIX}_$size
    step "[PostgreSQL] creating scratch database $db"
    PG_CREATED+=("$db")
    drop_pg_db "$db" || die "cannot drop $db via $PG_ADMIN_URL"
    psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" >/dev/null ||
      die "cannot create $db via $PG_ADMIN_URL"
    bench_size pg "${BACKEND_NAME[pg]}" "$size" "$PG_BASE/$db$PG_QUERY"
    drop_pg_db "$db" || say "bench: warning: could not drop database $db"
  done
fi

bench_hello hello2 "end of run"
T_END=$(now_ns)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# The reference: the median of all hello-world runs, start and end together.
# shellcheck disable=SC2086
HELLO_RPS=$(fmt 1 "$(median ${R[hello1.hello.rps_all]} ${R[hello2.hello.rps_all]})")
# shellcheck disable=SC2086
HELLO_P50=$(us_to_ms "$(median ${R[hello1.hello.p50_all]} ${R[hello2.hello.p50_all]})")
HELLO_DRIFT=$(awk -v a="${R[hello1.hello.rps]}" -v b="${R[hello2.hello.rps]}" 'BEGIN { printf "%+.1f", 100 * (b - a) / a }')

# ---- report ---------------------------------------------------------------------------
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $COMMIT != unknown && -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
NPROC=$(nproc)
bin_info() { # PATH -> "path (modified ..., sha256 ...)"
  local sum
  sum=$(sha256sum "$1" 2>/dev/null | cut -c1-12 || echo "?")
  echo "\`$1\` (built $(date -u -r "$1" '+%Y-%m-%d %H:%M UTC'), sha256 $sum…)"
}

# table_row DATA GROUP P50 P99 RPS PCT ERRS REQS
table_row() {
  local errs="$7 of $8"
  if (($7 > 0)); then errs="**$7 of $8**"; fi
  echo "| $1 | $2 | $3 | $4 | $(fmt 0 "$5") | $6 | $errs |"
}

# codes "A B C" -> `A`, `B`, `C`
codes() {
  local x out="" xs
  read -r -a xs <<<"$1"
  for x in "${xs[@]}"; do out+="${out:+, }\`$x\`"; done
  echo "$out"
}

# verdict OK(0/1) -> "yes"/"**no**"
verdict() { if (($1)); then echo "yes"; else echo "**no**"; fi; }

# role_targets: every home with its work queue above TARGET_HOME_PCT % of the hello-world,
# and the picker under 10 ms one request at a time, at national scale (SIZE_MIN).
role_targets() {
  local key name lo g share ok
  for key in "${BACKENDS[@]}"; do
    name=${BACKEND_NAME[$key]}
    lo="$key.$SIZE_MIN"
    for g in "${ROLE_GROUPS[@]}"; do
      [[ -n ${R[$lo.$g.rps]:-} ]] || continue
      share=$(pct "${R[$lo.$g.rps]}" "$HELLO_RPS")
      ok=0
      if awk -v a="$share" -v b="$TARGET_HOME_PCT" 'BEGIN { exit !(a > b) }'; then ok=1; fi
      echo "- $name, $(thousands "$SIZE_MIN") centres, ${GROUP_LABEL[$g]} above $TARGET_HOME_PCT % of hello-world: $(verdict $ok) ($share %)"
    done
    if [[ -n ${R[$lo.picker.one]:-} ]]; then
      ok=0
      if awk -v a="${R[$lo.picker.one]}" 'BEGIN { exit !(a < 10) }'; then ok=1; fi
      echo "- $name, $(thousands "$SIZE_MIN") centres, picker search under 10 ms one at a time: $(verdict $ok) (median ${R[$lo.picker.one]} ms)"
    fi
    for g in $FIGURE_GROUPS; do
      [[ -n ${R[$lo.$g.rps]:-} ]] || continue
      share=$(pct "${R[$lo.$g.rps]}" "$HELLO_RPS")
      ok=0
      if awk -v a="$share" -v b="$TARGET_FIGURES_PCT" -v o="${R[$lo.$g.one]:-999}" \
        'BEGIN { exit !(a >= b && o < 10) }'; then ok=1; fi
      echo "- $name, $(thousands "$SIZE_MIN") centres, ${GROUP_LABEL[$g]} at least $TARGET_FIGURES_PCT % of hello-world and under 10 ms one at a time: $(verdict $ok) ($share %, median ${R[$lo.$g.one]:-?} ms)"
    done
  done
}

targets() {
  local key name lo hi g target share ok ratio note
  role_targets
  for key in "${BACKENDS[@]}"; do
    name=${BACKEND_NAME[$key]}
    hi="$key.$SIZE_MAX"
    lo="$key.$SIZE_MIN"
    for g in name home; do
      [[ " ${EP_GROUPS[*]} " == *" $g "* ]] || continue
      if [[ $g == name ]]; then target=$TARGET_NAME_PCT; else target=$TARGET_HOME_PCT; fi
      share=$(pct "${R[$hi.$g.rps]}" "$HELLO_RPS")
      ok=0
      if awk -v a="$share" -v b="$target" 'BEGIN { exit !(a > b) }'; then ok=1; fi
      echo "- $name, $(thousands "$SIZE_MAX") centres, ${GROUP_LABEL[$g]} above $target % of hello-world: $(verdict $ok) ($share %)"
      if ((SIZE_MAX != SIZE_MIN)); then
        ratio=$(awk -v a="${R[$hi.$g.rps]}" -v b="${R[$lo.$g.rps]}" 'BEGIN { printf "%.2f", a / b }')
        ok=0
        note=""
        if ge "${R[$hi.$g.rps]}" "${R[$lo.$g.rps]}"; then
          ok=1
        elif ge "$ratio" "$(awk -v n="$NOISE_PCT" 'BEGIN { print 1 - n / 100 }')"; then
          note="; within the ~$NOISE_PCT % run-to-run noise, rerun to be sure"
        fi
        echo "- $name, ${GROUP_LABEL[$g]} at $(thousands "$SIZE_MAX") not slower than at $(thousands "$SIZE_MIN"): $(verdict $ok) ($(fmt 0 "${R[$hi.$g.rps]}") vs $(fmt 0 "${R[$lo.$g.rps]}") req/s = ${ratio}×; p50 ${R[$hi.$g.p50]} vs ${R[$lo.$g.p50]} ms$note)"
      fi
    done
  done
}

report() {
  local key size p g label
  echo "# Simandiri benchmark: ratio to a plain axum hello-world"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); whole run $(awk -v a="$T_START" -v b="$T_END" 'BEGIN { printf "%.0f", (b - a) / 6e10 }') min"
  echo "- commit: $COMMIT"
  echo "- Simandiri: $(bin_info "$BIN")"
  echo "- hello-world: $(bin_info "$HELLO")"
  echo "- machine: $NPROC CPUs, $CPU; load average $LOAD_BEFORE before, $LOAD_AFTER after (anything else running skews the figures)"
  echo "- load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s\` on the same machine, no sign-in, no gzip, no cookies; per endpoint group a ${WARMUP_SECS}s warm-up, then $LOAD_RUNS measured runs (interleaved across groups); figures are medians of the runs"
  echo "- data: \`simandiri generate --centres N --years Y --seed $SEED\` into a fresh database per size, plus the reference areas; Y = $YEARS at $(thousands "$SIZE_MIN") centres (national scale), 1 at larger sizes (see the enrolments row below)"
  echo "- reference: hello-world $(fmt 0 "$HELLO_RPS") req/s, p50 $HELLO_P50 ms (median of all $((2 * LOAD_RUNS)) hello runs, start and end of the run; end vs start: $HELLO_DRIFT %)"
  echo
  echo "Endpoint groups (wrk rotates the paths of a group, one per request):"
  echo
  for g in "${EP_GROUPS[@]}"; do
    if [[ $g == profile ]]; then
      echo "- ${GROUP_LABEL[$g]}: \`/centres/{id}\`, two ids each from the first, middle and last page of \`/api/v1/centres\` (at $(thousands "$SIZE_MAX") with SQLite: $(codes "${R[sqlite.$SIZE_MAX.profile_paths]}"))"
    elif [[ $g == batches ]]; then
      echo "- ${GROUP_LABEL[$g]} (signed in as the ministry admin): \`/trainings?centre={id}\` and \`/api/v1/trainings?centre={id}\` for the same BLKK (at $(thousands "$SIZE_MIN") with SQLite: $(codes "${R[sqlite.$SIZE_MIN.batches_paths]}"))"
    elif [[ $g == home_* ]]; then
      echo "- ${GROUP_LABEL[$g]} (signed in as a ${g#home_} user made for the run): $(codes "${GROUP_PATHS[$g]}")"
    elif [[ $g == picker ]]; then
      echo "- ${GROUP_LABEL[$g]} (signed in as the ministry admin, so over the whole nation): $(codes "${GROUP_PATHS[$g]}")"
    elif [[ " placement compliance selffunding grid aid figures " == *" $g "* ]]; then
      echo "- ${GROUP_LABEL[$g]} (signed in as the ministry admin, national scope): $(codes "${GROUP_PATHS[$g]}")"
    else
      echo "- ${GROUP_LABEL[$g]}: $(codes "${GROUP_PATHS[$g]}")"
    fi
  done
  echo
  echo "| data | endpoint group | p50 ms | p99 ms | req/s | % of hello-world req/s | errors / non-2xx |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
  for p in hello1 hello2; do
    if [[ $p == hello1 ]]; then label="hello-world, start of run"; else label="hello-world, end of run"; fi
    table_row "—" "$label" "${R[$p.hello.p50]}" "${R[$p.hello.p99]}" "${R[$p.hello.rps]}" \
      "$(pct "${R[$p.hello.rps]}" "$HELLO_RPS") %" "${R[$p.hello.errs]}" "${R[$p.hello.reqs]}"
  done
  for key in "${BACKENDS[@]}"; do
    for size in "${SIZES[@]}"; do
      p="$key.$size"
      for g in "${EP_GROUPS[@]}"; do
        table_row "${BACKEND_NAME[$key]}, $(thousands "$size") centres" "${GROUP_LABEL[$g]}" \
          "${R[$p.$g.p50]}" "${R[$p.$g.p99]}" "${R[$p.$g.rps]}" \
          "$(pct "${R[$p.$g.rps]}" "$HELLO_RPS") %" "${R[$p.$g.errs]}" "${R[$p.$g.reqs]}"
      done
    done
  done
  echo
  echo "Targets (name search above $TARGET_NAME_PCT % and home page above $TARGET_HOME_PCT % of hello-world throughput at $(thousands "$SIZE_MAX") centres, neither slower than at $(thousands "$SIZE_MIN")):"
  echo
  targets
  echo
  local header="| metric |" sep="| --- |"
  for key in "${BACKENDS[@]}"; do
    for size in "${SIZES[@]}"; do
      header+=" ${BACKEND_NAME[$key]}, $(thousands "$size") |"
      sep+=" ---: |"
    done
  done
  echo "$header"
  echo "$sep"
  local line metric
  for metric in enrol gen db start rss0 rss1 hwm1; do
    case $metric in
      enrol) line="| years of trainings; enrolments generated |" ;;
      gen) line="| generate (incl. migrations and reference areas) |" ;;
      db) line="| database size (after generation and start-up runs) |" ;;
      start) line="| start → /healthz 200, median of $STARTUP_RUNS (min–max) |" ;;
      rss0) line="| VmRSS idle, right after start |" ;;
      rss1) line="| VmRSS right after load |" ;;
      hwm1) line="| VmHWM (peak RSS) after load |" ;;
    esac
    for key in "${BACKENDS[@]}"; do
      for size in "${SIZES[@]}"; do
        p="$key.$size"
        case $metric in
          enrol) line+=" ${R[$p.years]}; $(thousands "${R[$p.enrolments]:-?}") |" ;;
          gen) line+=" ${R[$p.gen_s]} s |" ;;
          db) line+=" ${R[$p.db_size]} |" ;;
          start) line+=" ${R[$p.start_med]} ms (${R[$p.start_min]}–${R[$p.start_max]}) |" ;;
          rss0) line+=" $(kib_to_mib "${R[$p.rss0]}") MiB |" ;;
          rss1) line+=" $(kib_to_mib "${R[$p.rss1]}") MiB |" ;;
          hwm1) line+=" $(kib_to_mib "${R[$p.hwm1]}") MiB |" ;;
        esac
      done
    done
    echo "$line"
  done
  echo
  echo "Reports sent at once by $SUBMITS BLKK managers over HTTP (open, save with the figures as filled in, send; \`bench/submit.rs\`), then the time until \`GET /api/v1/compliance\` (national) counts every one:"
  echo
  echo "| data | sent | failed | wall | per report p50 / p99 / max | until the national figures show all |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for key in "${BACKENDS[@]}"; do
    for size in "${SIZES[@]}"; do
      local s=${R[$key.$size.submit]:-}
      echo "| ${BACKEND_NAME[$key]}, $(thousands "$size") centres | $(field ok "$s") of $(field n "$s") | $(field failed "$s") | $(field wall_ms "$s") ms | $(field p50_ms "$s") / $(field p99_ms "$s") / $(field max_ms "$s") ms | $(field visible_ms "$s") ms |"
    done
  done
  echo
  echo "Hello-world VmHWM after load: $(kib_to_mib "${R[hello1.hwm1]}") MiB (start), $(kib_to_mib "${R[hello2.hwm1]}") MiB (end)."
  if [[ -n $PG_URL ]]; then
    echo "Memory is the Simandiri process only; PostgreSQL's own processes are not counted."
  fi
}

mkdir -p "$OUT_DIR"
report >"$OUT_DIR/latest.md"
step "results (also in bench/out/latest.md)"
echo
cat "$OUT_DIR/latest.md"
