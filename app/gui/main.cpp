// workbench: the desktop shell.
#include "layoutcheck.h"
#include "mainwindow.h"
#include "moduleregistry.h"

#include "workbench/core/cli.h"
#include "workbench/ui/export.h"
#include "workbench/ui/moduleinterface.h"
#include "workbench/ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <cerrno>
#include <csignal>
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

// Through the one writer (wb::OutputFile): a full disk or a device as the target is a
// sentence and a non-zero exit, and an existing PNG stays whole until the new one is.
bool saveGrab(QWidget &window, const QString &path)
{
    settle();
    QString error;
    if (!wb::ui::exportWidget(&window, path, &error, QStringLiteral("png"))) {
        std::fprintf(stderr, "workbench: cannot write the screenshot: %s\n",
                     wb::cli::printable(error.toStdString()).c_str());
        return false;
    }
    return true;
}

// 0 when everything printed on stdout reached it; else the sentence and 1, as the CLI does.
int flushedStdout()
{
    if (std::fflush(stdout) == 0 && !std::ferror(stdout))
        return 0;
    std::fprintf(stderr, "workbench: write error on standard output: %s\n", std::strerror(errno));
    return 1;
}

// One sentence on stderr and exit 2: the command line asked for something impossible.
int usage(const QString &sentence)
{
    std::fprintf(stderr, "workbench: %s\n", wb::cli::printable(sentence.toStdString()).c_str());
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    const bool headlessJob = hasArg(argc, argv, "--screenshot") || hasArg(argc, argv, "--tour") ||
                             hasArg(argc, argv, "--check-layout") ||
                             hasArg(argc, argv, "--list-modules") ||
                             hasArg(argc, argv, "--version") || hasArg(argc, argv, "--help") ||
                             hasArg(argc, argv, "-h");
    // Rendering to a file needs no display: use the offscreen platform unless one was chosen.
    if (headlessJob && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    // Past a file size limit a write fails with EFBIG and is reported, not a SIGXFSZ death.
    std::signal(SIGXFSZ, SIG_IGN);
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
    QCommandLineOption listOpt("list-modules", "Print each module's id and title, then exit.");
    QCommandLineOption moduleOpt("module", "Open the module <id> (see --list-modules).", "id");
    QCommandLineOption viewOpt("view", "With --module: open the view <id>.", "id");
    QCommandLineOption presentOpt("presentation", "Start in presentation mode (large fonts, "
                                                  "full screen).");
    QCommandLineOption darkOpt("dark", "Use the dark palette.");
    QCommandLineOption shotOpt("screenshot",
                               "Render the chosen module (or the home page) "
                               "to the PNG <file>, then exit.",
                               "file");
    QCommandLineOption tourOpt("tour",
                               "Render every module and view to PNG files in <dir>, "
                               "then exit.",
                               "dir");
    QCommandLineOption sizeOpt("size",
                               "The window's size, e.g. 1280x720 (default for "
                               "--screenshot and --tour: 1400x860).",
                               "WxH");
    QCommandLineOption checkOpt(
        "check-layout",
        "Open every view (or the --module and --view chosen) at 1280x720 and 1024x768 (or "
        "--size), in normal and presentation mode (only presentation with --presentation), "
        "print what does not fit a projector, and exit 1 if anything.");
    parser.addOptions(
        {listOpt, moduleOpt, viewOpt, presentOpt, darkOpt, shotOpt, tourOpt, sizeOpt, checkOpt});
    const QCommandLineOption helpOpt = parser.addHelpOption();
    const QCommandLineOption versionOpt = parser.addVersionOption();
    // parse(), not process(): a bad command line is exit 2 with our sentence, like the CLI.
    if (!parser.parse(QCoreApplication::arguments()))
        return usage(parser.errorText() + " See workbench --help.");
    if (parser.isSet(helpOpt))
        parser.showHelp(0);
    if (parser.isSet(versionOpt))
        parser.showVersion();
    for (const QCommandLineOption &o : {moduleOpt, viewOpt, shotOpt, tourOpt, sizeOpt})
        if (parser.values(o).size() > 1)
            return usage("--" + o.names().constFirst() +
                         " is given more than once; give it "
                         "once.");
    if (!parser.positionalArguments().isEmpty())
        return usage("unexpected argument '" + parser.positionalArguments().constFirst() +
                     "'; see workbench --help.");
    if (parser.isSet(shotOpt) && parser.isSet(tourOpt))
        return usage("--screenshot and --tour cannot be combined: --screenshot FILE renders "
                     "one view, --tour DIR renders all of them.");
    if (parser.isSet(checkOpt) && (parser.isSet(shotOpt) || parser.isSet(tourOpt)))
        return usage("--check-layout renders nothing to files; give it without --screenshot "
                     "or --tour.");
    if (parser.isSet(viewOpt) && !parser.isSet(moduleOpt))
        return usage("--view needs --module: a view id belongs to one module (e.g. "
                     "--module list --view growth).");
    if (parser.isSet(shotOpt) && parser.value(shotOpt).isEmpty())
        return usage("--screenshot needs a file name.");
    if (parser.isSet(tourOpt) && parser.value(tourOpt).isEmpty())
        return usage("--tour needs a folder name.");

    QSize size(1400, 860);
    if (parser.isSet(sizeOpt)) {
        const QStringList wh = parser.value(sizeOpt).split(QLatin1Char('x'));
        bool okW = false, okH = false;
        const int w = wh.size() == 2 ? wh[0].toInt(&okW) : 0;
        const int h = wh.size() == 2 ? wh[1].toInt(&okH) : 0;
        if (!okW || !okH || w < 640 || w > 7680 || h < 480 || h > 4320)
            return usage("--size takes WIDTHxHEIGHT in pixels, from 640x480 to 7680x4320 "
                         "(e.g. 1280x720), not '" +
                         parser.value(sizeOpt) + "'.");
        size = QSize(w, h);
    }

    const bool rendering =
        parser.isSet(shotOpt) || parser.isSet(tourOpt) || parser.isSet(checkOpt);
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
        return flushedStdout();
    }

    const QString moduleId = parser.value(moduleOpt);
    if (parser.isSet(moduleOpt) && !registry.find(moduleId)) {
        QStringList ids;
        for (const auto &e : registry.entries())
            ids << e.id;
        const QString available = ids.isEmpty() ? QStringLiteral("none") : ids.join(", ");
        if (moduleId.isEmpty())
            return usage("--module needs a module id; available: " + available + ".");
        return usage("unknown module '" + moduleId + "'; available: " + available + ".");
    }

    registry.loadAll();
    const QString viewId = parser.value(viewOpt);
    if (parser.isSet(viewOpt)) {
        const wb::shell::ModuleEntry *entry = registry.find(moduleId);
        if (!entry->available())
            return usage("module '" + moduleId + "' is unavailable (" + entry->error +
                         "), so it has no view '" + viewId + "'.");
        QStringList views;
        for (const auto &v : entry->module->views())
            views << v.id;
        if (!views.contains(viewId))
            return usage((viewId.isEmpty() ? QStringLiteral("--view needs a view id")
                                           : "unknown view '" + viewId + "'") +
                         " of module '" + moduleId + "'; its views: " + views.join(", ") + ".");
    }
    wb::ui::applyTheme(app, parser.isSet(darkOpt) ? wb::ui::Theme::Dark : wb::ui::Theme::Light);
    wb::shell::MainWindow window(registry);
    if (parser.isSet(darkOpt))
        window.setDarkTheme(true);

    if (!moduleId.isEmpty())
        window.showModule(moduleId, viewId);
    else if (!rendering && QSettings().value("window/lastModule").toString() != "home" &&
             registry.find(QSettings().value("window/lastModule").toString()))
        window.showModule(QSettings().value("window/lastModule").toString());
    else
        window.showHome();

    if (parser.isSet(checkOpt)) {
        wb::shell::LayoutCheckOptions check;
        if (parser.isSet(sizeOpt))
            check.sizes = {size};
        check.normal = !parser.isSet(presentOpt);
        check.moduleId = moduleId;
        check.viewId = viewId;
        window.show();
        QStringList warnings;
        const QStringList problems = wb::shell::checkLayout(window, check, &warnings);
        for (const QString &p : problems)
            std::printf("%s\n", wb::cli::printable(p.toStdString()).c_str());
        for (const QString &w : warnings)
            std::printf("warning: %s\n", wb::cli::printable(w.toStdString()).c_str());
        std::printf("workbench: %lld layout problem%s", static_cast<long long>(problems.size()),
                    problems.size() == 1 ? "" : "s");
        if (!warnings.isEmpty())
            std::printf(" (and %lld keyboard warning%s)", static_cast<long long>(warnings.size()),
                        warnings.size() == 1 ? "" : "s");
        std::printf("\n");
        window.close();
        const int flushed = flushedStdout();
        return flushed ? flushed : problems.isEmpty() ? 0 : 1;
    }

    if (rendering) {
        window.resize(size);
        window.arrangePanesFor(size.width());
        if (parser.isSet(presentOpt))
            window.setPresentationMode(true, /*fullScreen=*/false);
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
        return flushedStdout();
    }

    if (parser.isSet(sizeOpt)) {
        window.resize(size);
        window.show();
    } else {
        window.showFitted();
    }
    if (parser.isSet(presentOpt))
        window.setPresentationMode(true);
    return app.exec();
}
