// workbench: the desktop shell.
#include "layoutcheck.h"
#include "lessonpresenter.h"
#include "lessonscript.h"
#include "mainwindow.h"
#include "moduleregistry.h"
#include "stepexport.h"

#include "workbench/core/cli.h"
#include "workbench/ui/export.h"
#include "workbench/ui/moduleinterface.h"
#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
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

// Lets layouts settle, plots replot and the lesson and source panes fill in (a frame or two
// after the page, on timers) before a grab.
void settle()
{
    QEventLoop loop;
    QTimer::singleShot(120, &loop, &QEventLoop::quit);
    loop.exec();
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

// --export-steps: the view's opening run, once it has finished, exported step by step.
int exportStepsHeadless(wb::shell::MainWindow &window, const QString &range, qsizetype every,
                        const QString &out)
{
    wb::ui::ModulePage *page = window.currentPage();
    wb::ui::StepController *controller = page ? page->controller() : nullptr;
    // A live opening example fills in on its own threads: wait (serving the event loop) until
    // the trace stops growing, at most 20 s.
    QElapsedTimer clock;
    clock.start();
    qsizetype last = -1;
    int quiet = 0;
    while (clock.elapsed() < 20'000 && quiet < 4) {
        settle();
        controller = page ? page->controller() : nullptr;
        const qsizetype n = controller ? controller->count() : 0;
        quiet = n == last && !(controller && controller->isLive()) ? quiet + 1 : 0;
        last = n;
    }
    if (!controller || controller->count() == 0) {
        std::fprintf(stderr, "workbench: this view has no steps to export\n");
        return 1;
    }
    wb::shell::StepExportRequest request;
    QString error;
    if (!wb::shell::parseStepRange(range, controller->count(), &request.from, &request.to, &error))
        return usage("--export-steps: " + error + ".");
    request.every = every;
    request.path = out;
    const qsizetype frames = wb::shell::exportPositions(request).size();
    if (!wb::shell::exportSteps(page, controller, request, {}, &error)) {
        std::fprintf(stderr, "workbench: cannot export the steps: %s\n",
                     wb::cli::printable(error.toStdString()).c_str());
        return 1;
    }
    std::printf("workbench: wrote %lld step%s (%lld to %lld of %lld) to %s\n",
                static_cast<long long>(frames), frames == 1 ? "" : "s",
                static_cast<long long>(request.from), static_cast<long long>(request.to),
                static_cast<long long>(controller->count()), qPrintable(out));
    window.close();
    return flushedStdout();
}

} // namespace

int main(int argc, char **argv)
{
    const bool headlessJob =
        hasArg(argc, argv, "--screenshot") || hasArg(argc, argv, "--tour") ||
        hasArg(argc, argv, "--check-layout") || hasArg(argc, argv, "--export-steps") ||
        hasArg(argc, argv, "--check") || hasArg(argc, argv, "--list-modules") ||
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
    QCommandLineOption stepsOpt("export-steps",
                                "Export the steps A-B (A-, -B, or one step N) of the chosen "
                                "view to --out (.gif: one frame per step; .pdf: one page per "
                                "step), then exit.",
                                "A-B");
    QCommandLineOption everyOpt("every", "With --export-steps: every Nth step (default 1).", "N");
    QCommandLineOption outOpt("out", "With --export-steps: the .gif or .pdf file to write.",
                              "file");
    QCommandLineOption openOpt("open",
                               "Open the recording <file> (File > Save Recording makes them): "
                               "its module and view, the same pictures at every step, and "
                               "nothing run again.",
                               "file");
    QCommandLineOption stepOpt("step", "With --open: put the cursor at step <N>.", "N");
    QCommandLineOption lessonOpt("lesson",
                                 "Present the lesson script <file> in presentation mode: "
                                 "PageDown/PageUp step and change slides, B blanks the screen "
                                 "(see docs/lesson-scripts.md).",
                                 "file");
    QCommandLineOption lessonCheckOpt("check",
                                      "With --lesson: check the script and everything it names, "
                                      "print each problem with its line, and exit (2 if any).");
    QCommandLineOption slideOpt("slide", "With --lesson: start at slide <N> (from 1).", "N");
    parser.addOptions({listOpt, moduleOpt, viewOpt, presentOpt, darkOpt, shotOpt, tourOpt, sizeOpt,
                       checkOpt, stepsOpt, everyOpt, outOpt, openOpt, stepOpt, lessonOpt,
                       lessonCheckOpt, slideOpt});
    const QCommandLineOption helpOpt = parser.addHelpOption();
    const QCommandLineOption versionOpt = parser.addVersionOption();
    // parse(), not process(): a bad command line is exit 2 with our sentence, like the CLI.
    if (!parser.parse(QCoreApplication::arguments()))
        return usage(parser.errorText() + " See workbench --help.");
    if (parser.isSet(helpOpt))
        parser.showHelp(0);
    if (parser.isSet(versionOpt))
        parser.showVersion();
    for (const QCommandLineOption &o : {moduleOpt, viewOpt, shotOpt, tourOpt, sizeOpt, stepsOpt,
                                        everyOpt, outOpt, openOpt, stepOpt, lessonOpt, slideOpt})
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
    if (parser.isSet(stepsOpt) &&
        (parser.isSet(shotOpt) || parser.isSet(tourOpt) || parser.isSet(checkOpt)))
        return usage("--export-steps writes one file; give it without --screenshot, --tour or "
                     "--check-layout.");
    if (parser.isSet(stepsOpt) && (!parser.isSet(outOpt) || parser.value(outOpt).isEmpty()))
        return usage("--export-steps needs --out FILE.gif or FILE.pdf.");
    if (parser.isSet(openOpt) &&
        (parser.isSet(moduleOpt) || parser.isSet(tourOpt) || parser.isSet(checkOpt)))
        return usage("--open shows the module and view its recording names; give it without "
                     "--module, --tour or --check-layout.");
    if (parser.isSet(openOpt) && parser.value(openOpt).isEmpty())
        return usage("--open needs a recording's file name.");
    if (parser.isSet(lessonOpt) &&
        (parser.isSet(openOpt) || parser.isSet(moduleOpt) || parser.isSet(tourOpt) ||
         parser.isSet(checkOpt) || parser.isSet(stepsOpt)))
        return usage("--lesson shows the slides its script names; give it without --open, "
                     "--module, --tour, --check-layout or --export-steps.");
    if ((parser.isSet(lessonCheckOpt) || parser.isSet(slideOpt)) && !parser.isSet(lessonOpt))
        return usage("--check and --slide go with --lesson FILE.");
    if (parser.isSet(lessonOpt) && parser.value(lessonOpt).isEmpty())
        return usage("--lesson needs a lesson script's file name.");
    int firstSlide = 0;
    if (parser.isSet(slideOpt)) {
        const auto n = wb::cli::parseInt(parser.value(slideOpt).toStdString());
        if (!n || *n < 1 || *n > 100000)
            return usage("--slide takes a slide number from 1, not '" + parser.value(slideOpt) +
                         "'.");
        firstSlide = static_cast<int>(*n - 1);
    }
    if (parser.isSet(stepOpt) && !parser.isSet(openOpt))
        return usage("--step goes with --open: it moves the cursor of the opened recording.");
    qsizetype step = -1;
    if (parser.isSet(stepOpt)) {
        const auto n = wb::cli::parseInt(parser.value(stepOpt).toStdString());
        if (!n || *n < 0)
            return usage("--step takes a step number from 0, not '" + parser.value(stepOpt) +
                         "'.");
        step = static_cast<qsizetype>(*n);
    }
    if (parser.isSet(stepsOpt) && !parser.isSet(moduleOpt) && !parser.isSet(openOpt))
        return usage("--export-steps needs --open FILE, or --module (and --view): the steps "
                     "belong to a view.");
    if ((parser.isSet(everyOpt) || parser.isSet(outOpt)) && !parser.isSet(stepsOpt))
        return usage("--every and --out go with --export-steps.");
    qsizetype every = 1;
    if (parser.isSet(everyOpt)) {
        const auto n = wb::cli::parseInt(parser.value(everyOpt).toStdString());
        if (!n || *n < 1 || *n > 1'000'000'000)
            return usage("--every takes a whole number from 1, not '" + parser.value(everyOpt) +
                         "'.");
        every = static_cast<qsizetype>(*n);
    }
    if (parser.isSet(stepsOpt)) {
        wb::shell::StepExportRequest probe;
        probe.path = parser.value(outOpt);
        if (wb::shell::stepExportFormat(probe).isEmpty())
            return usage("--out must name a .gif or a .pdf file, not '" + parser.value(outOpt) +
                         "'.");
    }
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

    const bool rendering = parser.isSet(shotOpt) || parser.isSet(tourOpt) ||
                           parser.isSet(checkOpt) || parser.isSet(stepsOpt) ||
                           parser.isSet(lessonCheckOpt);
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

    if (parser.isSet(lessonOpt)) {
        const QString path = parser.value(lessonOpt);
        if (parser.isSet(lessonCheckOpt)) {
            QStringList problems;
            const wb::shell::LessonScript script = wb::shell::parseLessonScript(path, &problems);
            if (problems.isEmpty())
                problems = wb::shell::checkLessonScript(script, registry);
            for (const QString &p : std::as_const(problems))
                std::fprintf(stderr, "%s\n", wb::cli::printable(p.toStdString(), 400).c_str());
            if (!problems.isEmpty()) {
                std::fprintf(stderr, "workbench: %lld problem%s in the lesson script\n",
                             static_cast<long long>(problems.size()),
                             problems.size() == 1 ? "" : "s");
                return 2;
            }
            std::printf("%s: %lld slides, no problems\n",
                        wb::cli::printable(path.toStdString()).c_str(),
                        static_cast<long long>(script.slides.size()));
            return flushedStdout();
        }
        if (rendering)
            window.resize(size);
        QStringList problems;
        if (!window.startLesson(path, &problems, firstSlide,
                                /*fullScreen=*/!rendering && !parser.isSet(sizeOpt))) {
            for (const QString &p : std::as_const(problems))
                std::fprintf(stderr, "%s\n", wb::cli::printable(p.toStdString(), 400).c_str());
            return 2;
        }
    } else if (parser.isSet(openOpt)) {
        QString error;
        if (!window.openRecording(parser.value(openOpt), &error)) {
            std::fprintf(stderr, "workbench: cannot open %s: %s\n",
                         wb::cli::printable(parser.value(openOpt).toStdString()).c_str(),
                         wb::cli::printable(error.toStdString()).c_str());
            return 2;
        }
        wb::ui::StepController *c =
            window.currentPage() ? window.currentPage()->controller() : nullptr;
        if (step >= 0 && c) {
            if (step > c->count())
                return usage("--step " + QString::number(step) + " is past the recording's " +
                             QString::number(c->count()) + " steps.");
            c->seek(step);
        }
    } else if (!moduleId.isEmpty())
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
        if (parser.isSet(stepsOpt))
            return exportStepsHeadless(window, parser.value(stepsOpt), every,
                                       parser.value(outOpt));
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

    if (parser.isSet(lessonOpt) && !parser.isSet(sizeOpt))
        return app.exec(); // the lesson is already on, full screen
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
