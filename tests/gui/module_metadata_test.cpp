// Every module plugin of this build carries the project's version in its metadata (generated
// from <topic>.json.in, see workbench_add_module), so the shell, which refuses another
// major.minor, accepts and loads each of them.
#include "moduleregistry.h"

#include <QtTest>

using wb::shell::ModuleRegistry;

class ModuleMetadataTest : public QObject
{
    Q_OBJECT

private slots:
    void everyModuleHasTheProjectVersion()
    {
        ModuleRegistry registry;
        registry.setShellVersion(QStringLiteral(WB_VERSION));
        registry.scan({QStringLiteral(WB_TEST_PLUGIN_DIR)});
        const QStringList ids = QStringLiteral(WB_TEST_MODULES).split(',', Qt::SkipEmptyParts);
        QVERIFY(!ids.isEmpty());
        for (const QString &id : ids) {
            const auto *entry = registry.find(id);
            QVERIFY2(entry, qPrintable("no plugin for module " + id + " in " +
                                       QStringLiteral(WB_TEST_PLUGIN_DIR)));
            QVERIFY2(entry->version == QStringLiteral(WB_VERSION),
                     qPrintable(entry->path + " has version '" + entry->version +
                                "', the project " WB_VERSION));
            QVERIFY2(entry->error.isEmpty(), qPrintable(entry->error));
        }
        registry.loadAll();
        for (const QString &id : ids)
            QVERIFY2(registry.find(id)->available(), qPrintable(registry.find(id)->error));
    }
};

QTEST_MAIN(ModuleMetadataTest)
#include "module_metadata_test.moc"
