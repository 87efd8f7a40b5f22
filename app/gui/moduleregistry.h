#pragma once
// Finds module plugins, reads their metadata without instantiating them, then loads and
// initialises each one; a plugin that fails at any stage is kept, as unavailable, with the
// reason.

#include <QIcon>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

class QPluginLoader;

namespace wb::ui {
class ModuleInterface;
}

namespace wb::shell {

struct ModuleEntry
{
    QString id;
    QString title;
    QString description;
    QString category;
    QString version;
    QString iconName;
    int order = 100;                           // position in the sidebar
    QString path;                              // the plugin file
    wb::ui::ModuleInterface *module = nullptr; // null when unavailable
    QString error;                             // why it is unavailable
    bool available() const { return module != nullptr; }
};

class ModuleRegistry
{
public:
    ModuleRegistry();
    ~ModuleRegistry();

    // Folders searched, in order: $WB_PLUGIN_PATH (colon-separated) if set, else
    // <exe>/plugins (build tree) and <exe>/../lib/internals-workbench/plugins (installed).
    static QStringList defaultSearchPath();

    // The version plugins must have been built for: a plugin whose metadata "version" has
    // another major.minor is refused at scan(). Starts as the application's version (the
    // shell sets it to the project version); empty compares nothing.
    const QString &shellVersion() const { return m_shellVersion; }
    void setShellVersion(const QString &version) { m_shellVersion = version; }

    // Reads metadata of every plugin file in `folders`. Does not instantiate anything.
    void scan(const QStringList &folders);
    // Instantiates and initialises every scanned plugin that is not loaded yet.
    void loadAll();

    const QList<ModuleEntry> &entries() const { return m_entries; }
    const ModuleEntry *find(const QString &id) const;

private:
    QString m_shellVersion;
    QList<ModuleEntry> m_entries;
    std::vector<std::unique_ptr<QPluginLoader>> m_loaders;
};

} // namespace wb::shell
