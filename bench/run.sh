#!/usr/bin/env bash
# Simandiri benchmark: prints figures (it is not a test). See bench/README.md.
#
#   bench/run.sh                                    # SQLite only
#   bench/run.sh --pg postgres://postgres@127.0.0.1:5432/test   # SQLite and PostgreSQL side by side
#
# Measures, per backend: time to generate 3,800 centres, time from process start until
# /healthz answers 200 (7 runs), directory search latency and throughput with wrk at 16
# connections (3 runs after a warm-up), and the server's resident memory.
# Figures reported are medians. The table also goes to bench/out/latest.md.
set -euo pipefail
shopt -s inherit_errexit

usage() {
  cat <<'EOF'
Usage: bench/run.sh [--pg URL] [--duration SECONDS] [--no-per-url]

  --pg URL            also benchmark PostgreSQL: a scratch database `simandiri_bench` is
                      created (dropped first) on the server of URL, which must let that
                      user create databases; URL's own database is only used to connect.
  --duration SECONDS  length of each measured wrk run (default 10)
  --no-per-url        skip the per-endpoint breakdown (one short wrk run per URL)
  -h, --help          this help
EOF
}

PG_URL=""
DURATION=10
PER_URL=1
while (($#)); do
  case "$1" in
    --pg) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; PG_URL=$2; shift 2 ;;
    --pg=*) PG_URL=${1#--pg=}; shift ;;
    --duration) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; DURATION=$2; shift 2 ;;
    --duration=*) DURATION=${1#--duration=}; shift ;;
    --no-per-url) PER_URL=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || { echo "bench: --duration must be a positive integer" >&2; exit 2; }

# ---- settings -------------------------------------------------------------------------
CENTRES=3800
SEED=1
STARTUP_RUNS=7
LOAD_RUNS=3
WARMUP_SECS=3
PER_URL_SECS=3
THREADS=2
CONNECTIONS=16
PG_SCRATCH_DB=simandiri_bench
URLS=(
  "/centres?q=darul"
  "/centres?province=35"
  "/centres?province=32&kejuruan=menjahit"
  "/centres?q=al-hikmah&status=aktif"
  "/centres?regency=33.74"
  "/api/v1/centres?q=nurul&page=2"
  "/api/v1/centres?province=36"
)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN=$ROOT/target/release/simandiri
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
PG_TOUCHED=""
PG_ADMIN_URL=""

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

drop_pg_scratch() {
  psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $PG_SCRATCH_DB WITH (FORCE)" >/dev/null
}

cleanup() {
  local rc=$?
  set +e
  stop_server
  if [[ -n $PG_TOUCHED ]]; then
    drop_pg_scratch 2>/dev/null || say "bench: warning: could not drop database $PG_SCRATCH_DB"
  fi
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
  local t
  for t in cargo curl wrk awk sort date nproc seq mktemp; do
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
# kib_to_mib KIB -> "12.3"
kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
us_to_ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
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

# start_server DB_URL LOG: starts `serve`; sets SERVER_PID and START_NS (just before the spawn).
START_NS=0
start_server() {
  if port_in_use "$PORT"; then die "port $PORT is already in use (a server left over?)"; fi
  START_NS=$(now_ns)
  "$BIN" serve --database-url "$1" --bind "127.0.0.1:$PORT" >"$2" 2>&1 &
  SERVER_PID=$!
}

# wait_healthy T0_NS LOG: polls /healthz every ~5 ms; prints ms from T0 until it answered 200.
wait_healthy() {
  local t0=$1 log=$2 code t
  local deadline=$((t0 + 60 * 1000000000))
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" 2>/dev/null) || true
    t=$(now_ns)
    if [[ $code == 200 ]]; then
      awk -v a="$t0" -v b="$t" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'
      return
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      say "--- server log (last 30 lines) ---"
      tail -n 30 "$log" >&2 || true
      die "the server exited before /healthz answered 200"
    fi
    if ((t > deadline)); then
      tail -n 30 "$log" >&2 || true
      die "/healthz did not answer 200 within 60 s (last status: ${code:-none})"
    fi
    sleep 0.005
  done
}

check_urls() {
  local u code body=$DIR/check-body failed=0
  for u in "${URLS[@]}" /healthz; do
    code=$(curl -s -o "$body" -w '%{http_code}' --max-time 30 "$BASE$u") || code="curl-failed"
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

# run_wrk SECONDS [PATH] -> the WRK_RESULT line
run_wrk() {
  local secs=$1 out=$DIR/wrk.out line
  shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --timeout 10s -s "$LUA" "$BASE" -- "$@" >"$out" 2>&1 ||
    { cat "$out" >&2; die "wrk failed"; }
  line=$(grep '^WRK_RESULT ' "$out") || { cat "$out" >&2; die "wrk printed no WRK_RESULT line"; }
  echo "$line"
}

# Results, keyed "backend.metric".
declare -A R
BACKENDS=()
NAMES=()

# bench_backend KEY NAME DB_URL
bench_backend() {
  local key=$1 name=$2 url=$3
  local t0 t1 out ms i log line rss hwm
  BACKENDS+=("$key")
  NAMES+=("$name")

  step "[$name] generating $CENTRES centres (seed $SEED)"
  t0=$(now_ns)
  "$BIN" generate --centres "$CENTRES" --seed "$SEED" --database-url "$url" >"$DIR/generate-$key.log" 2>&1 ||
    { tail -n 30 "$DIR/generate-$key.log" >&2; die "generate failed on $name"; }
  t1=$(now_ns)
  # The app logs to stdout too; keep its summary line.
  out=$(grep '^generated ' "$DIR/generate-$key.log" || true)
  say "  $out"
  R[$key.gen_s]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  R[$key.gen_app_s]=$(sed -n 's/.* in \([0-9]*\) ms$/\1/p' <<<"$out" | awk '{ printf "%.1f", $1 / 1000 }')
  say "  generation took ${R[$key.gen_s]} s wall (migrations + reference areas + data; the app itself reports ${R[$key.gen_app_s]:-?} s for the data)"

  step "[$name] time to start serving ($STARTUP_RUNS runs)"
  local starts=()
  for i in $(seq "$STARTUP_RUNS"); do
    log=$DIR/serve-$key-start-$i.log
    start_server "$url" "$log"
    ms=$(wait_healthy "$START_NS" "$log")
    stop_server
    starts+=("$ms")
    say "  run $i: $ms ms"
  done
  R[$key.start_med]=$(median "${starts[@]}")
  R[$key.start_min]=$(minimum "${starts[@]}")
  R[$key.start_max]=$(maximum "${starts[@]}")
  say "  median ${R[$key.start_med]} ms (min ${R[$key.start_min]}, max ${R[$key.start_max]})"
  # Size once the servers are gone. The WAL is shown apart: whether it was checkpointed
  # into the main file on exit varies from run to run.
  if [[ $url == sqlite://* ]]; then
    local f=${url#sqlite://}
    R[$key.db_size]="$(du -m "$f" | cut -f1) MiB"
    if [[ -s $f-wal ]]; then R[$key.db_size]+=" (+$(du -m "$f-wal" | cut -f1) MiB WAL)"; fi
  else
    R[$key.db_size]="$(psql "$url" -qXtA -c "SELECT pg_database_size(current_database()) / 1048576" 2>/dev/null || echo "?") MiB"
  fi

  step "[$name] directory search load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $LOAD_RUNS runs"
  log=$DIR/serve-$key-load.log
  start_server "$url" "$log"
  wait_healthy "$START_NS" "$log" >/dev/null
  read -r rss hwm <<<"$(read_mem "$SERVER_PID")"
  R[$key.rss0]=$rss
  R[$key.hwm0]=$hwm
  say "  memory right after start: VmRSS $(kib_to_mib "${R[$key.rss0]}") MiB, VmHWM $(kib_to_mib "${R[$key.hwm0]}") MiB"
  check_urls

  say "  warm-up (${WARMUP_SECS}s)"
  run_wrk "$WARMUP_SECS" >/dev/null
  local p50s=() p90s=() p99s=() rpss=() errs=0 reqs=0 e
  for i in $(seq "$LOAD_RUNS"); do
    line=$(run_wrk "$DURATION")
    p50s+=("$(field p50_us "$line")")
    p90s+=("$(field p90_us "$line")")
    p99s+=("$(field p99_us "$line")")
    rpss+=("$(field rps "$line")")
    reqs=$((reqs + $(field requests "$line")))
    e=0
    for f in err_connect err_read err_write err_status err_timeout; do e=$((e + $(field "$f" "$line"))); done
    errs=$((errs + e))
    say "  run $i: p50 $(us_to_ms "${p50s[-1]}") ms, p90 $(us_to_ms "${p90s[-1]}") ms, p99 $(us_to_ms "${p99s[-1]}") ms, ${rpss[-1]} req/s, errors/non-2xx $e"
    if ((e > 0)); then say "    $line"; fi
  done
  R[$key.p50]=$(us_to_ms "$(median "${p50s[@]}")")
  R[$key.p90]=$(us_to_ms "$(median "${p90s[@]}")")
  R[$key.p99]=$(us_to_ms "$(median "${p99s[@]}")")
  R[$key.rps]=$(fmt 0 "$(median "${rpss[@]}")")
  R[$key.errs]=$errs
  R[$key.reqs]=$reqs
  read -r rss hwm <<<"$(read_mem "$SERVER_PID")"
  R[$key.rss1]=$rss
  R[$key.hwm1]=$hwm
  say "  median: p50 ${R[$key.p50]} ms, p99 ${R[$key.p99]} ms, ${R[$key.rps]} req/s; $errs errors/non-2xx in $reqs requests"
  say "  memory after load: VmRSS $(kib_to_mib "${R[$key.rss1]}") MiB, VmHWM $(kib_to_mib "${R[$key.hwm1]}") MiB"

  if ((PER_URL)); then
    step "[$name] per endpoint (one ${PER_URL_SECS}s run each, same settings)"
    local u
    for i in "${!URLS[@]}"; do
      u=${URLS[$i]}
      line=$(run_wrk "$PER_URL_SECS" "$u")
      R[$key.url$i.p50]=$(us_to_ms "$(field p50_us "$line")")
      R[$key.url$i.p99]=$(us_to_ms "$(field p99_us "$line")")
      R[$key.url$i.rps]=$(fmt 0 "$(field rps "$line")")
      e=0
      for f in err_connect err_read err_write err_status err_timeout; do e=$((e + $(field "$f" "$line"))); done
      R[$key.url$i.errs]=$e
      say "  ${R[$key.url$i.p50]} ms p50, ${R[$key.url$i.p99]} ms p99, ${R[$key.url$i.rps]} req/s, errors $e  $u"
    done
  fi
  stop_server
}

# ---- main -----------------------------------------------------------------------------
ensure_tools
if [[ -n $PG_URL ]]; then
  [[ $PG_URL =~ ^postgres(ql)?:// ]] || die "--pg wants a postgres:// URL"
  psql "$PG_URL" -qXtA -c "SELECT 1" >/dev/null || die "cannot connect to $PG_URL"
fi

step "building the release binary"
cargo build --release >&2 || die "cargo build --release failed"
[[ -x $BIN ]] || die "no binary at $BIN"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/simandiri-bench.XXXXXX")
PORT=$(pick_port)
BASE=http://127.0.0.1:$PORT
say "temp dir $DIR, port $PORT"

bench_backend sqlite SQLite "sqlite://$DIR/bench.db"

if [[ -n $PG_URL ]]; then
  PG_ADMIN_URL=$PG_URL
  # Same server and credentials, database replaced by the scratch one (query string kept).
  if [[ $PG_URL =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]]; then
    PG_BENCH_URL=${BASH_REMATCH[1]}/$PG_SCRATCH_DB${BASH_REMATCH[4]}
  else
    die "cannot parse --pg URL"
  fi
  step "[PostgreSQL] creating scratch database $PG_SCRATCH_DB"
  PG_TOUCHED=1
  drop_pg_scratch || die "cannot drop $PG_SCRATCH_DB via $PG_ADMIN_URL"
  psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_SCRATCH_DB" >/dev/null ||
    die "cannot create $PG_SCRATCH_DB via $PG_ADMIN_URL"
  PG_VERSION=$(psql "$PG_BENCH_URL" -qXtA -c "SHOW server_version" 2>/dev/null | cut -d' ' -f1 || true)
  bench_backend pg "PostgreSQL $PG_VERSION" "$PG_BENCH_URL"
fi

# ---- report ---------------------------------------------------------------------------
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $COMMIT != unknown && -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
NPROC=$(nproc)

row() { # row LABEL METRIC-FORMAT-FUNCTION
  local fn=$2 k line="| $1 |"
  for k in "${BACKENDS[@]}"; do line+=" $($fn "$k") |"; done
  echo "$line"
}
c_gen() { echo "${R[$1.gen_s]} s"; }
c_start() { echo "${R[$1.start_med]} ms (${R[$1.start_min]}–${R[$1.start_max]})"; }
c_p50() { echo "${R[$1.p50]} ms"; }
c_p90() { echo "${R[$1.p90]} ms"; }
c_p99() { echo "${R[$1.p99]} ms"; }
c_rps() { echo "${R[$1.rps]} req/s"; }
c_errs() { echo "${R[$1.errs]} of ${R[$1.reqs]}"; }
c_rss0() { echo "$(kib_to_mib "${R[$1.rss0]}") MiB"; }
c_rss1() { echo "$(kib_to_mib "${R[$1.rss1]}") MiB"; }
c_hwm1() { echo "$(kib_to_mib "${R[$1.hwm1]}") MiB"; }
c_db() { echo "${R[$1.db_size]}"; }

report() {
  local k i header sep
  echo "# Simandiri benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- commit: $COMMIT"
  echo "- machine: $NPROC CPUs, $CPU; load average $LOAD_BEFORE before the run (anything else running skews the figures)"
  echo "- data: $CENTRES generated centres (seed $SEED) plus the reference areas"
  echo "- load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s\` on the same machine, rotating ${#URLS[@]} public directory searches (HTML and JSON, no sign-in, no gzip); $LOAD_RUNS runs after a ${WARMUP_SECS}s warm-up"
  echo "- figures are medians: start-up of $STARTUP_RUNS runs (min–max in brackets), latency and throughput of $LOAD_RUNS runs"
  echo
  header="| metric |"
  sep="| --- |"
  for i in "${!BACKENDS[@]}"; do
    header+=" ${NAMES[$i]} |"
    sep+=" ---: |"
  done
  echo "$header"
  echo "$sep"
  row "generate $CENTRES centres (incl. migrations and reference areas)" c_gen
  row "database size (after generation and start-up runs)" c_db
  row "start → /healthz 200, median (min–max)" c_start
  row "directory p50 latency" c_p50
  row "directory p90 latency" c_p90
  row "directory p99 latency" c_p99
  row "directory throughput" c_rps
  row "errors / non-2xx (all measured runs)" c_errs
  row "VmRSS idle, right after start" c_rss0
  row "VmRSS right after load" c_rss1
  row "VmHWM (peak RSS) after load" c_hwm1
  if [[ -n ${R[pg.rps]:-} && -n ${R[sqlite.rps]:-} ]]; then
    echo
    echo "Throughput PostgreSQL / SQLite: $(awk -v a="${R[pg.rps]}" -v b="${R[sqlite.rps]}" 'BEGIN { printf "%.2f", a / b }')×"
    echo "(Memory is the Simandiri process only; PostgreSQL's own processes are not counted.)"
  fi
  if ((PER_URL)); then
    echo
    echo "Per endpoint (one ${PER_URL_SECS}s run each, $CONNECTIONS connections, single run, so rougher):"
    echo
    header="| URL |"
    sep="| --- |"
    for i in "${!BACKENDS[@]}"; do
      header+=" ${NAMES[$i]} p50 | p99 | req/s |"
      sep+=" ---: | ---: | ---: |"
    done
    echo "$header"
    echo "$sep"
    for i in "${!URLS[@]}"; do
      local line="| \`${URLS[$i]}\` |"
      for k in "${BACKENDS[@]}"; do
        line+=" ${R[$k.url$i.p50]} ms | ${R[$k.url$i.p99]} ms | ${R[$k.url$i.rps]} |"
        if ((${R[$k.url$i.errs]} > 0)); then line="${line% |} (${R[$k.url$i.errs]} errors) |"; fi
      done
      echo "$line"
    done
  fi
}

mkdir -p "$OUT_DIR"
report >"$OUT_DIR/latest.md"
step "results (also in bench/out/latest.md)"
echo
cat "$OUT_DIR/latest.md"
