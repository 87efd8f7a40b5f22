// workbench: the desktop shell.
#include "mainwindow.h"
#include "moduleregistry.h"

#include "workbench/ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <cstring>

namespace {

bool hasArg(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], name) == 0 ||
            (std::strncmp(argv[i], name, std::strlen(name)) == 0 &&
             argv[i][std::strlen(name)] == '='))
            return true;
    return false;
}

// Lets layouts settle and plots replot before a grab.
void settle()
{
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
}

bool saveGrab(QWidget &window, const QString &path)
{
    settle();
    const QPixmap pixmap = window.grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        std::fprintf(stderr, "workbench: cannot write the screenshot %s\n", qPrintable(path));
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    const bool headlessJob = hasArg(argc, argv, "--screenshot") || hasArg(argc, argv, "--tour") ||
                             hasArg(argc, argv, "--list-modules") ||
                             hasArg(argc, argv, "--version") || hasArg(argc, argv, "--help") ||
                             hasArg(argc, argv, "-h");
    // Rendering to a file needs no display: use the offscreen platform unless one was chosen.
    if (headlessJob && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setApplicationName("internals-workbench");
    QApplication::setApplicationDisplayName("Internals Workbench");
    QApplication::setOrganizationName("internals-workbench");
    QApplication::setApplicationVersion(WB_VERSION);
    QApplication::setDesktopFileName("org.internals_workbench.Workbench");

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Internals Workbench: real implementations, recorded as they run, stepped forward "
        "and back.");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption listOpt("list-modules", "Print each module's id and title, then exit.");
    QCommandLineOption moduleOpt("module", "Open the module <id> (see --list-modules).", "id");
    QCommandLineOption viewOpt("view", "With --module: open the view <id>.", "id");
    QCommandLineOption presentOpt("presentation", "Start in presentation mode (large fonts, "
                                                  "full screen).");
    QCommandLineOption darkOpt("dark", "Use the dark palette.");
    QCommandLineOption shotOpt("screenshot", "Render the chosen module (or the home page) "
                                             "to the PNG <file>, then exit.", "file");
    QCommandLineOption tourOpt("tour", "Render every module and view to PNG files in <dir>, "
                                       "then exit.", "dir");
    parser.addOptions({listOpt, moduleOpt, viewOpt, presentOpt, darkOpt, shotOpt, tourOpt});
    parser.process(app);

    const bool rendering = parser.isSet(shotOpt) || parser.isSet(tourOpt);
    QTemporaryDir scratchSettings;
    if (rendering || !qEnvironmentVariableIsEmpty("WB_SETTINGS_DIR")) {
        // Screenshots neither read nor change the user's saved layout.
        const QString dir = qEnvironmentVariable("WB_SETTINGS_DIR", scratchSettings.path());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir);
    }

    wb::shell::ModuleRegistry registry;
    registry.scan(wb::shell::ModuleRegistry::defaultSearchPath());

    if (parser.isSet(listOpt)) {
        for (const auto &e : registry.entries())
            std::printf("%s\t%s\n", qPrintable(e.id), qPrintable(e.title));
        return 0;
    }

    const QString moduleId = parser.value(moduleOpt);
    if (!moduleId.isEmpty() && !registry.find(moduleId)) {
        QStringList ids;
        for (const auto &e : registry.entries())
            ids << e.id;
        std::fprintf(stderr, "workbench: unknown module '%s'; available: %s\n",
                     qPrintable(moduleId), ids.isEmpty() ? "none" : qPrintable(ids.join(", ")));
        return 2;
    }

    registry.loadAll();
    wb::ui::applyTheme(app, parser.isSet(darkOpt) ? wb::ui::Theme::Dark : wb::ui::Theme::Light);
    wb::shell::MainWindow window(registry);
    if (parser.isSet(darkOpt))
        window.setDarkTheme(true);

    if (!moduleId.isEmpty())
        window.showModule(moduleId, parser.value(viewOpt));
    else if (!rendering && QSettings().value("window/lastModule").toString() != "home" &&
             registry.find(QSettings().value("window/lastModule").toString()))
        window.showModule(QSettings().value("window/lastModule").toString());
    else
        window.showHome();

    if (rendering) {
        window.resize(1400, 860);
        if (parser.isSet(presentOpt))
            wb::ui::setFontScale(app, 1.6);
        window.show();
        if (parser.isSet(shotOpt))
            return saveGrab(window, parser.value(shotOpt)) ? 0 : 1;
        const QString dir = parser.value(tourOpt);
        if (!QDir().mkpath(dir)) {
            std::fprintf(stderr, "workbench: cannot create the folder %s\n", qPrintable(dir));
            return 1;
        }
        int written = 0;
        for (const auto &stop : window.tourStops()) {
            window.showTourStop(stop);
            if (!saveGrab(window, QDir(dir).filePath(stop.fileName)))
                return 1;
            ++written;
        }
        std::printf("workbench: wrote %d screenshots to %s\n", written,
                    qPrintable(QDir(dir).absolutePath()));
        window.close();
        return 0;
    }

    window.show();
    if (parser.isSet(presentOpt))
        window.setPresentationMode(true);
    return app.exec();
}
