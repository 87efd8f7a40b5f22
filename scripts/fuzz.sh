#!/usr/bin/env bash
# Builds the crypto module's libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) in
# build-fuzz and runs each one for SECONDS (default 60), starting from the checked-in seed
# corpus modules/crypto/fuzz/corpus/<target>/. New corpus entries go to
# build-fuzz/fuzz/corpus/<target>/, a crashing input to build-fuzz/fuzz/artifacts/<target>/.
# Exits non-zero if any target crashed, leaked, hit undefined behaviour or broke an invariant.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 20, scripts/fuzz.sh 300 hex
#   JOBS=2 scripts/fuzz.sh                     build parallelism (default: nproc)
#
# Reproduce a finding: build-fuzz/fuzz/crypto_fuzz_<target> build-fuzz/fuzz/artifacts/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || {
  echo "fuzz.sh: SECONDS must be a positive whole number, got '$seconds'" >&2
  exit 2
}
shift $(($# > 0 ? 1 : 0))
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=()
  for f in modules/crypto/fuzz/corpus/*/; do targets+=("$(basename "$f")"); done
fi

cxx=${CXX:-clang++}
if ! "$cxx" --version 2>/dev/null | grep -q clang; then
  echo "fuzz.sh: needs clang with libFuzzer (apt-get install clang libclang-rt-dev); '$cxx' is not clang" >&2
  exit 2
fi

# Every module but crypto is left out of this build.
exclude=()
for d in modules/*/; do
  id=$(basename "$d")
  [[ $id != crypto && -f $d/CMakeLists.txt ]] && exclude+=("$id")
done
exclude_list=$(IFS=';'; echo "${exclude[*]}")

build="build-fuzz"
# Clang 14 (Debian 12) cannot compile libstdc++'s std::source_location; the force-included
# header supplies it there and is a no-op for newer clang.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="-include $PWD/modules/crypto/fuzz/source_location_clang14.h" \
  -DWB_BUILD_GUI=OFF -DWB_BUILD_BENCHMARKS=OFF -DWB_BUILD_FUZZERS=ON \
  -DWB_EXCLUDE_MODULES="$exclude_list" >/dev/null
# shellcheck disable=SC2046 # one word per target
cmake --build "$build" -j"${JOBS:-$(nproc)}" --target $(printf 'crypto_fuzz_%s ' "${targets[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${targets[@]}"; do
  corpus=$build/fuzz/corpus/$t
  artifacts=$build/fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  printf '\n== fuzzing %s for %s s\n' "$t" "$seconds"
  if "$build/fuzz/crypto_fuzz_$t" -max_total_time="$seconds" -timeout=30 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "modules/crypto/fuzz/corpus/$t" >"$build/fuzz/$t.log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' \
      "$build/fuzz/$t.log" || true
  else
    failed+=("$t")
    tail -n 60 "$build/fuzz/$t.log"
    echo "fuzz.sh: $t FAILED; input saved in $artifacts/, full log $build/fuzz/$t.log" >&2
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: failures in: ${failed[*]}" >&2
  exit 1
fi
printf '\n== no crashes in %s (%s s each)\n' "${targets[*]}" "$seconds"
