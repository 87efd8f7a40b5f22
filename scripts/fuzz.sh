#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) in build-fuzz and
# runs each one for SECONDS (default 60), starting from its checked-in seed corpus:
#   crypto_<target>  modules/crypto/fuzz/corpus/<target>/   (the crypto parsers)
#   core_<target>    libs/core/fuzz/corpus/<target>/        (the recording reader)
#   messaging_<target> modules/messaging/tests/amqp_server/corpus/<target>/ (the AMQP frame reader)
# New corpus entries go to build-fuzz/fuzz/corpus/<name>/, a crashing input to
# build-fuzz/fuzz/artifacts/<name>/. Exits non-zero if any target crashed, leaked, hit
# undefined behaviour or broke an invariant.
#
#   scripts/fuzz.sh [SECONDS] [NAME...]   e.g. scripts/fuzz.sh 20, scripts/fuzz.sh 300 crypto_hex
#   JOBS=2 scripts/fuzz.sh                build parallelism (default: nproc)
#
# Reproduce a finding: build-fuzz/fuzz/<name-with-_fuzz_> build-fuzz/fuzz/artifacts/<name>/crash-...
# (crypto_hex is built as crypto_fuzz_hex).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || {
  echo "fuzz.sh: SECONDS must be a positive whole number, got '$seconds'" >&2
  exit 2
}
shift $(($# > 0 ? 1 : 0))

# Where each prefix keeps its seed corpora.
declare -A roots=([crypto]=modules/crypto/fuzz/corpus [core]=libs/core/fuzz/corpus
  [messaging]=modules/messaging/tests/amqp_server/corpus)
names=("$@")
if ((${#names[@]} == 0)); then
  for prefix in crypto core messaging; do
    for f in "${roots[$prefix]}"/*/; do names+=("${prefix}_$(basename "$f")"); done
  done
fi
for n in "${names[@]}"; do
  prefix=${n%%_*}
  if [[ -z ${roots[$prefix]+x} || ! -d ${roots[$prefix]}/${n#*_} ]]; then
    echo "fuzz.sh: no fuzz target '$n' (names look like crypto_hex or core_recording)" >&2
    exit 2
  fi
done

cxx=${CXX:-clang++}
if ! "$cxx" --version 2>/dev/null | grep -q clang; then
  echo "fuzz.sh: needs clang with libFuzzer (apt-get install clang libclang-rt-dev); '$cxx' is not clang" >&2
  exit 2
fi

# Every module but crypto and messaging is left out of this build.
exclude=()
for d in modules/*/; do
  id=$(basename "$d")
  [[ $id != crypto && $id != messaging && -f $d/CMakeLists.txt ]] && exclude+=("$id")
done
exclude_list=$(IFS=';'; echo "${exclude[*]}")

build="build-fuzz"
# Clang 14 (Debian 12) cannot compile libstdc++'s std::source_location; the force-included
# header supplies it there and is a no-op for newer clang.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="-include $PWD/tests/fuzz/source_location_clang14.h" \
  -DWB_BUILD_GUI=OFF -DWB_BUILD_BENCHMARKS=OFF -DWB_BUILD_FUZZERS=ON \
  -DWB_EXCLUDE_MODULES="$exclude_list" >/dev/null
binaries=()
for n in "${names[@]}"; do binaries+=("${n%%_*}_fuzz_${n#*_}"); done
cmake --build "$build" -j"${JOBS:-$(nproc)}" --target "${binaries[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for n in "${names[@]}"; do
  prefix=${n%%_*}
  corpus=$build/fuzz/corpus/$n
  artifacts=$build/fuzz/artifacts/$n
  mkdir -p "$corpus" "$artifacts"
  printf '\n== fuzzing %s for %s s\n' "$n" "$seconds"
  if "$build/fuzz/${prefix}_fuzz_${n#*_}" -max_total_time="$seconds" -timeout=30 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "${roots[$prefix]}/${n#*_}" >"$build/fuzz/$n.log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' \
      "$build/fuzz/$n.log" || true
  else
    failed+=("$n")
    tail -n 60 "$build/fuzz/$n.log"
    echo "fuzz.sh: $n FAILED; input saved in $artifacts/, full log $build/fuzz/$n.log" >&2
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: failures in: ${failed[*]}" >&2
  exit 1
fi
printf '\n== no crashes in %s (%s s each)\n' "${names[*]}" "$seconds"
