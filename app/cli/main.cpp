// workbench-cli: every module's core, without a display.
#include "workbench/core/cli.h"

#include <exception>
#include <iostream>
#include <string>
#include <vector>

void wbRegisterAllCli(wb::cli::Registry &r);

namespace {

void printHelp(const wb::cli::Registry &registry, std::ostream &out)
{
    out << "Usage: workbench-cli <module> <command> [options]\n"
           "       workbench-cli modules | --version | --help\n\n"
           "Modules:\n";
    for (const auto &m : registry.modules())
        out << "  " << m.id << std::string(m.id.size() < 12 ? 12 - m.id.size() : 1, ' ')
            << m.summary << '\n';
    out << "\n`workbench-cli <module> --help` lists a module's commands.\n";
}

} // namespace

int main(int argc, char **argv)
{
    wb::cli::Registry registry;
    wbRegisterAllCli(registry);

    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printHelp(registry, std::cerr);
        return wb::cli::Usage;
    }
    const std::string &first = args.front();
    if (first == "--help" || first == "-h" || first == "help") {
        printHelp(registry, std::cout);
        return wb::cli::Ok;
    }
    if (first == "--version") {
        std::cout << "workbench-cli " << WB_VERSION << '\n';
        return wb::cli::Ok;
    }
    if (first == "modules") {
        for (const auto &m : registry.modules())
            std::cout << m.id << '\t' << m.summary << '\n';
        return wb::cli::Ok;
    }
    const auto *module = registry.find(first);
    if (!module) {
        std::cerr << "workbench-cli: unknown module '" << first
                  << "'; `workbench-cli modules` lists the available ones.\n";
        return wb::cli::Usage;
    }
    args.erase(args.begin());
    if (args.empty() || args.front() == "--help" || args.front() == "-h") {
        (args.empty() ? std::cerr : std::cout) << module->usage;
        return args.empty() ? wb::cli::Usage : wb::cli::Ok;
    }
    wb::cli::Invocation inv{std::move(args), std::cin, std::cout, std::cerr};
    try {
        return module->run(inv);
    } catch (const std::bad_alloc &) {
        std::cerr << "workbench-cli " << module->id << ": out of memory\n";
    } catch (const std::exception &e) {
        std::cerr << "workbench-cli " << module->id << ": " << e.what() << '\n';
    }
    return wb::cli::Failure;
}
