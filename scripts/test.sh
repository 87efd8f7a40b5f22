#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test: unit and known-answer tests,
# cross-checks against OpenSSL and python3, GUI tests (offscreen), CLI tests, install layout,
# then the Qt-free cores again under AddressSanitizer + UndefinedBehaviorSanitizer and the
# threaded cores under ThreadSanitizer, then a short libFuzzer run of the crypto parsers.
# Services a test needs are started by that test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
chmod 700 "$XDG_RUNTIME_DIR"

step() { printf '\n== %s\n' "$*"; }

step "build (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
step "tests"
ctest --test-dir build -j"$jobs" --output-on-failure --timeout 600

step "package (cpack -G DEB)"
(cd build && cpack -G DEB >/dev/null && ls -1 ./*.deb)

step "sanitizers: address,undefined on the Qt-free cores"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DWB_BUILD_GUI=OFF -DWB_BUILD_BENCHMARKS=OFF \
  -DWB_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j"$jobs"
# The Python tracer's tests run no C++: the plain build ran them already.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -j"$jobs" --output-on-failure -L unit -LE python --timeout 900

step "sanitizers: thread on the threaded cores"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWB_BUILD_GUI=OFF \
  -DWB_BUILD_BENCHMARKS=OFF -DWB_SANITIZE=thread >/dev/null
tsan_tests=$(cat build-tsan/tsan-tests.regex)
if [[ $tsan_tests != '^()\.' ]]; then
  # shellcheck disable=SC2046 # one word per target
  cmake --build build-tsan -j"$jobs" --target $(cat build-tsan/tsan-targets.txt)
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --test-dir build-tsan -j"$jobs" --output-on-failure -R "$tsan_tests" --timeout 900
fi
step "fuzz smoke: the crypto parsers, the recording reader and the AMQP frame reader, 20 s per target (clang, libFuzzer, ASan+UBSan)"
bash scripts/fuzz.sh 20
step "all tests passed"
