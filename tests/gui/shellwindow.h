#pragma once
// The shell's window over the plugins of one folder, shown at a size, for the GUI tests.

#include "mainwindow.h"
#include "moduleregistry.h"

#include <QTest>

#include <memory>

struct ShellWindow
{
    wb::shell::ModuleRegistry registry;
    std::unique_ptr<wb::shell::MainWindow> window;

    // Scans and loads `pluginDir`, then shows the window; false if it never appeared.
    bool open(const QString &pluginDir, QSize size = {1280, 720})
    {
        registry.scan({pluginDir});
        registry.loadAll();
        window = std::make_unique<wb::shell::MainWindow>(registry);
        window->resize(size);
        window->show();
        return QTest::qWaitForWindowExposed(window.get());
    }
};
