#pragma once
// nova.sh as a model: its variables with their defaults, and for each command the ordered
// plan of what the script would do as root, the nova.conf it writes and the novarc that
// `nova-manage project zipfile` produces. A dry run: nothing here executes anything.
//
//     NovaShEnv env;                       // the walkthrough's defaults + the recorded run
//     std::string error;
//     if (!env.set("USE_MYSQL", "1", &error)) ...  // unknown names and bad values refused
//     NovaShPlan plan = planNovaSh(NovaShCommand::Run, env);
//
// Machine-dependent values the script finds at run time (the current directory, the install
// directory argument, HOST_IP from ifconfig) default to the recorded run's values, so the
// default plan reproduces the recorded nova.conf; each variable says where its value is from.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::nova {

enum class NovaShCommand { Branch, Install, Run, RunDetached, Terminate, Clean, Scrub };
std::string_view novaShCommandName(NovaShCommand c); // "run_detached", ...
std::optional<NovaShCommand> parseNovaShCommand(std::string_view name);
const std::vector<NovaShCommand> &novaShCommands();

struct NovaShVariable
{
    std::string name;
    std::string defaultValue; // "" = unset / derived (see origin)
    std::string origin;       // "walkthrough", "script", "recorded run", "derived"
    std::string meaning;
};
// Every variable a user may set as VAR=VALUE, in the walkthrough's order.
const std::vector<NovaShVariable> &novaShVariables();

class NovaShEnv
{
public:
    NovaShEnv();

    // Sets a variable. Returns false with a sentence in *error for an unknown name or a value
    // the script could not use (a flag other than 0/1, a bad CIDR or IP, an unknown manager).
    bool set(std::string_view name, std::string_view value, std::string *error);
    std::string get(std::string_view name) const;
    bool isSet(std::string_view name) const; // changed from the default
    bool flag(std::string_view name) const { return get(name) == "1"; }

    std::string novaDir() const;       // $DIR/$DIRNAME
    std::string instancesPath() const; // INSTANCES_PATH or $NOVA_DIR/instances
    std::string sqlConnection() const; // SQL_CONN
    std::string authDriver() const;    // AUTH: dbdriver.DbDriver or ldapdriver.LdapDriver

private:
    std::vector<std::pair<std::string, std::string>> m_values;
    std::vector<std::string> m_changed;
};

// What the script cannot know in a dry run; the defaults describe a fresh host.
struct NovaShHostState
{
    bool screenSessionExists = false; // `screen -ls` lists <digits>.nova
    bool bzrRepoExists = false;       // $DIR/.bzr
    bool imagesDirExists = false;     // $DIR/images
    bool glanceHasImage = false;      // `glance details | grep ami-tty`
    bool fstabHasCgroups = false;
    bool cgroupsMounted = false;
};

struct PlanStep
{
    std::string phase;   // "variables", "lxc", "branch", "install", "run", "attach", ...
    std::string command; // the command line as it would run (variables resolved)
    bool root = false;   // needs root (the script runs under sudo)
    std::string note;    // what it does, or its pitfall
};

struct ScreenWindow
{
    std::string title;
    std::string command; // "" for the session's first window
};

struct ResolvedVariable
{
    std::string name;
    std::string value;
    std::string origin; // "set", or the default's origin
};

struct NovaShPlan
{
    NovaShCommand command = NovaShCommand::Run;
    std::vector<ResolvedVariable> variables; // including SQL_CONN, AUTH, NOVA_DIR
    std::vector<PlanStep> steps;
    std::vector<std::string> packages;       // install order, repeats kept (kvm, netaddr)
    std::vector<ScreenWindow> windows;       // the screen session after run
    std::optional<std::string> novaConf;     // run / run_detached only
    std::optional<std::string> novarc;       // run / run_detached only
    int exitStatus = 0;                      // 1 when a screen session already exists
};

NovaShPlan planNovaSh(NovaShCommand command, const NovaShEnv &env,
                      const NovaShHostState &host = {}, wb::Trace *trace = nullptr);

// $NOVA_DIR/bin/nova.conf exactly as run writes it.
std::string novaConf(const NovaShEnv &env);

// novarc's settings (name, value) in file order; aliases are named "alias NAME".
std::vector<std::pair<std::string, std::string>> novarcEntries(const NovaShEnv &env);
std::string novarcText(const NovaShEnv &env);

struct PackageInfo
{
    std::string name;
    std::string group; // "system", "networking", "storage", "messaging", "python"
    std::string role;
};
std::optional<PackageInfo> packageInfo(std::string_view name);

} // namespace wb::nova
