#include "reference.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace wb::list::test {

bool havePython()
{
    return std::string(WB_LIST_PYTHON3).size() > 0;
}

std::optional<std::string> runPythonScript(const std::string &script, const std::string &input)
{
    namespace fs = std::filesystem;
    const fs::path in = fs::temp_directory_path() /
                        ("wb-list-" + std::to_string(::getpid()) + "-" + script + ".in");
    {
        std::ofstream f(in, std::ios::binary);
        f << input;
    }
    const std::string cmd = std::string("'") + WB_LIST_PYTHON3 + "' '" + WB_LIST_SCRIPTS_DIR +
                            "/" + script + "' < '" + in.string() + "'";
    FILE *p = ::popen(cmd.c_str(), "r");
    if (!p) {
        ADD_FAILURE() << "cannot start " << cmd;
        return std::nullopt;
    }
    std::string out;
    char buf[65536];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, got);
    const int status = ::pclose(p);
    fs::remove(in);
    if (status != 0) {
        ADD_FAILURE() << cmd << " exited with status " << status;
        return std::nullopt;
    }
    return out;
}

} // namespace wb::list::test
