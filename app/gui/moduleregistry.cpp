#include "moduleregistry.h"

#include "workbench/ui/moduleinterface.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonObject>
#include <QLibrary>
#include <QPluginLoader>

#include <algorithm>

namespace wb::shell {

namespace {

// "major.minor" of a version string ("0.1.0" -> "0.1"); empty when it has no such prefix.
QString majorMinor(const QString &version)
{
    const QStringList parts = version.trimmed().split(QLatin1Char('.'));
    bool majorOk = false, minorOk = false;
    if (parts.size() < 2)
        return {};
    const int major = parts[0].toInt(&majorOk);
    const int minor = parts[1].toInt(&minorOk);
    if (!majorOk || !minorOk)
        return {};
    return QStringLiteral("%1.%2").arg(major).arg(minor);
}

} // namespace

ModuleRegistry::ModuleRegistry() : m_shellVersion(QCoreApplication::applicationVersion()) {}

ModuleRegistry::~ModuleRegistry()
{
    // Plugins stay loaded until exit: pages created from them may outlive the registry's
    // owner during shutdown, and unloading code that still has live objects crashes.
    for (auto &l : m_loaders)
        l.release();
}

QStringList ModuleRegistry::defaultSearchPath()
{
    const QString env = qEnvironmentVariable("WB_PLUGIN_PATH");
    if (!env.isEmpty())
        return env.split(QLatin1Char(':'), Qt::SkipEmptyParts);
    const QString exeDir = QCoreApplication::applicationDirPath();
    return {exeDir + "/plugins", exeDir + "/../lib/internals-workbench/plugins"};
}

void ModuleRegistry::scan(const QStringList &folders)
{
    for (const QString &folder : folders) {
        QDir dir(folder);
        if (!dir.exists())
            continue;
        const auto files = dir.entryInfoList(QDir::Files, QDir::Name);
        for (const QFileInfo &fi : files) {
            if (!QLibrary::isLibrary(fi.fileName()))
                continue;
            auto loader = std::make_unique<QPluginLoader>(fi.absoluteFilePath());
            // Resolve every symbol at load time: a plugin built against another version
            // fails here, with a message, instead of aborting the shell on its first call.
            loader->setLoadHints(QLibrary::ResolveAllSymbolsHint);
            const QJsonObject meta = loader->metaData();
            ModuleEntry e;
            e.path = fi.absoluteFilePath();
            const QJsonObject md = meta.value("MetaData").toObject();
            e.id = md.value("id").toString();
            e.title = md.value("title").toString();
            e.description = md.value("description").toString();
            e.category = md.value("category").toString();
            e.version = md.value("version").toString();
            e.iconName = md.value("icon").toString();
            e.order = md.value("order").toInt(100);
            if (meta.isEmpty()) {
                e.error = QCoreApplication::translate("wb::shell", "%1 is not a Qt plugin (%2).")
                              .arg(fi.fileName(), loader->errorString());
            } else if (meta.value("IID").toString() != QLatin1String(WbModuleInterface_iid)) {
                e.error = QCoreApplication::translate(
                              "wb::shell", "%1 implements %2, not this workbench's module "
                                           "interface %3; rebuild it against this version.")
                              .arg(fi.fileName(), meta.value("IID").toString(),
                                   QLatin1String(WbModuleInterface_iid));
            } else if (e.id.isEmpty()) {
                e.error = QCoreApplication::translate("wb::shell",
                                                      "%1 has no module id in its metadata.")
                              .arg(fi.fileName());
            } else if (!m_shellVersion.isEmpty() &&
                       (majorMinor(e.version).isEmpty() ||
                        majorMinor(e.version) != majorMinor(m_shellVersion))) {
                e.error =
                    QCoreApplication::translate(
                        "wb::shell", "%1 was built for workbench version %2, but this is "
                                     "version %3; rebuild it against this version.")
                        .arg(fi.fileName(),
                             e.version.isEmpty() ? QStringLiteral("(none given)") : e.version,
                             m_shellVersion);
            }
            if (e.id.isEmpty())
                e.id = fi.baseName();
            if (e.title.isEmpty())
                e.title = e.id;
            if (find(e.id))
                continue; // the first folder wins, as PATH does
            m_entries.append(e);
            m_loaders.push_back(std::move(loader));
        }
    }
    // Keep loaders aligned with entries while sorting by (order, title).
    std::vector<std::size_t> idx(m_entries.size());
    for (std::size_t i = 0; i < idx.size(); ++i)
        idx[i] = i;
    std::stable_sort(idx.begin(), idx.end(), [this](std::size_t a, std::size_t b) {
        const auto &x = m_entries[a], &y = m_entries[b];
        return std::tie(x.order, x.title) < std::tie(y.order, y.title);
    });
    QList<ModuleEntry> entries;
    std::vector<std::unique_ptr<QPluginLoader>> loaders;
    for (auto i : idx) {
        entries.append(m_entries[i]);
        loaders.push_back(std::move(m_loaders[i]));
    }
    m_entries = entries;
    m_loaders = std::move(loaders);
}

void ModuleRegistry::loadAll()
{
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        ModuleEntry &e = m_entries[i];
        if (e.module || !e.error.isEmpty())
            continue;
        QPluginLoader &loader = *m_loaders[static_cast<std::size_t>(i)];
        QObject *instance = loader.instance();
        if (!instance) {
            e.error =
                QCoreApplication::translate("wb::shell", "The plugin could not be loaded: %1")
                    .arg(loader.errorString());
            continue;
        }
        auto *module = qobject_cast<wb::ui::ModuleInterface *>(instance);
        if (!module) {
            e.error = QCoreApplication::translate(
                "wb::shell", "The plugin does not implement the module interface.");
            continue;
        }
        QString why;
        bool ok = false;
        try {
            ok = module->initialize(&why);
        } catch (const std::exception &ex) {
            why = QString::fromUtf8(ex.what());
        }
        if (!ok) {
            e.error = why.isEmpty()
                          ? QCoreApplication::translate("wb::shell", "The module failed to start.")
                          : why;
            continue;
        }
        e.module = module;
    }
}

const ModuleEntry *ModuleRegistry::find(const QString &id) const
{
    for (const auto &e : m_entries)
        if (e.id == id)
            return &e;
    return nullptr;
}

} // namespace wb::shell
