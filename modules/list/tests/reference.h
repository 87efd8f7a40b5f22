#pragma once
// Running the machine's python3 as the reference, at test time.

#include <optional>
#include <string>

namespace wb::list::test {

// True when CMake found a python3 (tests that need it skip otherwise).
bool havePython();
// Runs tests/python/<script> with `input` on stdin; returns its stdout. A non-zero exit is a
// test failure (reported, and an empty optional returned).
std::optional<std::string> runPythonScript(const std::string &script, const std::string &input);

} // namespace wb::list::test
