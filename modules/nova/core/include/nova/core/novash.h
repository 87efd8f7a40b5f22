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
    // How the variable section reads it: `NAME=${NAME:-default}`, so unset and empty both
    // give the default; shellDefault, when not empty, is the default as a shell word
    // (INSTANCES_PATH: "$NOVA_DIR/instances"). HOST_IP is the exception: unset stands for
    // the recorded run's detection, empty runs the script's ifconfig detection.
    std::string shellDefault = {};
};
// Every variable a user may set as VAR=VALUE, in the walkthrough's order.
const std::vector<NovaShVariable> &novaShVariables();

class NovaShEnv
{
public:
    NovaShEnv();

    // Sets a variable as the environment would. Returns false with a sentence in *error only
    // for a name nova.sh does not read: the script takes any value, as bash does (an empty
    // one means the default, USE_MYSQL=2 means "not 1"); warnings() says what would go wrong
    // later.
    bool set(std::string_view name, std::string_view value, std::string *error);
    // The value the script works with: the default when the set value is empty (bash's
    // ${NAME:-default}); HOST_IP empty stays empty.
    std::string get(std::string_view name) const;
    std::string raw(std::string_view name) const; // as set, or the default when not set
    bool isSet(std::string_view name) const;      // given by the user (empty included)
    // The script tests flags with [ "$FLAG" == 1 ] (SCREEN_STATUS with != "0").
    bool flag(std::string_view name) const { return get(name) == "1"; }
    // Sentences for values the script accepts but a later step would trip on (a range that
    // is not a CIDR for nova-manage, an unknown manager class, a flag that is neither 0 nor 1).
    std::vector<std::string> warnings() const;

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
    std::vector<std::string> packages;   // install order, repeats kept (kvm, netaddr)
    std::vector<ScreenWindow> windows;   // the screen session after run
    std::optional<std::string> novaConf; // run / run_detached only
    std::optional<std::string> novarc;   // run / run_detached only
    int exitStatus = 0;                  // 1 when a screen session already exists
};

NovaShPlan planNovaSh(NovaShCommand command, const NovaShEnv &env,
                      const NovaShHostState &host = {}, wb::Trace *trace = nullptr);

// $NOVA_DIR/bin/nova.conf exactly as run writes it: the heredoc template below with the
// variables expanded as bash expands them (a value is inserted as it is, never re-expanded).
std::string novaConf(const NovaShEnv &env);
// The heredoc's lines, `$NAME` standing for a variable (NOVA_DIR, SQL_CONN and AUTH derived).
const std::vector<std::string> &novaConfTemplate();

// A bash script made of the module's own variable section (novaShVariables(), each read from
// the environment as nova.sh reads it), the derived NOVA_DIR, SQL_CONN and AUTH, and the
// nova.conf heredoc with its two appended flags. It prints nova.conf on standard output
// instead of writing $NOVA_DIR/bin/nova.conf, so running it touches nothing; run with the
// same settings in its environment it prints novaConf() byte for byte.
std::string novaConfScript();

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
