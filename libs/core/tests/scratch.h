#pragma once
// A folder of its own for a test, removed with everything in it when the test ends.

#include <cstdlib>
#include <filesystem>
#include <string>

namespace wb::test {

struct Scratch
{
    std::filesystem::path dir;
    Scratch()
    {
        std::string t = (std::filesystem::temp_directory_path() / "wb-test-XXXXXX").string();
        dir = ::mkdtemp(t.data());
    }
    ~Scratch() { std::filesystem::remove_all(dir); }
    Scratch(const Scratch &) = delete;
    Scratch &operator=(const Scratch &) = delete;
};

} // namespace wb::test
