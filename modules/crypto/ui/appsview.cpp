#include "appsview.h"
#include "common.h"
#include "fileencryptview.h"

#include "crypto/core/checksum.h"
#include "crypto/core/hash.h"
#include "crypto/core/hmac.h"

#include "workbench/ui/responsive.h"
#include "workbench/ui/theme.h"

#include <QApplication>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <chrono>

namespace wb::crypto::ui {

namespace {
constexpr std::uint32_t kIterations = 200000; // as the sealed file format's default
}

AppsPage::AppsPage(QWidget *parent) : ModulePage(parent)
{
    // --- File checksum --------------------------------------------------------------------
    m_path = new QLineEdit;
    m_path->setPlaceholderText(tr("A file to checksum (any size: read once, 1 MiB at a time)"));
    m_browse = new QPushButton(tr("Choose…"));
    m_start = new QPushButton(tr("Checksum"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_checksumStatus = new QLabel(tr("Choose a file: all five digests come from one read."));
    m_checksumStatus->setWordWrap(true);
    m_path->setAccessibleName(tr("File to checksum"));
    m_progress->setAccessibleName(tr("Checksum progress"));
    m_sums = new QTableWidget(int(kAllHashAlgs.size()), 3);
    m_sums->setHorizontalHeaderLabels({tr("Function"), tr("Against attackers?"), tr("Digest")});
    m_sums->setAccessibleName(tr("File digests"));
    m_sums->setTabKeyNavigation(false); // Tab moves on to the next control
    m_sums->setAccessibleDescription(
        tr("The chosen file's digest under each of the five hashes, and whether that hash "
           "still protects against an attacker"));
    // A narrow page elides the middle of a long digest; the tooltip holds all of it.
    m_sums->setTextElideMode(Qt::ElideMiddle);
    m_sums->setWordWrap(false);
    m_sums->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_sums->verticalHeader()->hide();
    m_sums->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sums->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_sums->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_sums->horizontalHeader()->setStretchLastSection(true);
    m_sums->setFont(monoFont());
    for (int r = 0; r < int(kAllHashAlgs.size()); ++r) {
        const HashAlg alg = kAllHashAlgs[r];
        const auto name = hashDisplayName(alg);
        m_sums->setItem(
            r, 0, new QTableWidgetItem(QString::fromLatin1(name.data(), qsizetype(name.size()))));
        auto *ok =
            new QTableWidgetItem(isConsideredSecure(alg) ? tr("Yes") : tr("No: accidents only"));
        m_sums->setItem(r, 1, ok);
        m_sums->setItem(r, 2, new QTableWidgetItem);
    }
    fitSumsTable();
    applyColors();
    m_sums->installEventFilter(this);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(m_browse);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_start);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_progress, 1);
    auto *fileBox = new QGroupBox(tr("File checksum: five hashes, one pass"));
    auto *fcol = new QVBoxLayout(fileBox);
    fcol->addLayout(fileRow);
    fcol->addLayout(runRow);
    fcol->addWidget(m_checksumStatus);
    fcol->addWidget(m_sums);

    // --- Passwords ------------------------------------------------------------------------
    m_password = new QLineEdit(QStringLiteral("secret"));
    m_password->setAccessibleName(tr("Password"));
    m_md5 = new QLabel;
    m_pbkdf2 = new QLabel;
    m_measure = new QLabel(tr("not measured yet"));
    m_measure->setWordWrap(true);
    m_verdict = new QLabel;
    m_verdict->setWordWrap(true);
    for (QLabel *l : {m_md5, m_pbkdf2}) {
        l->setFont(monoFont());
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);
    }
    m_measureButton = new QPushButton(tr("Measure MD5 guesses per second"));
    m_salt = randomBytes(16);
    auto *form = new QFormLayout;
    // Labels go above their values when the page is too narrow for both on one line.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    auto *about = new QLabel(tr("What a stolen database of stored passwords costs the attacker."));
    about->setWordWrap(true);
    form->addRow(about);
    form->addRow(tr("Password:"), m_password);
    form->addRow(tr("Tutorial: stored = MD5(password)"), m_md5);
    auto *better = new QLabel(
        tr("Better: PBKDF2-HMAC-SHA256 (random 16-byte salt, %L1 iterations)").arg(kIterations));
    better->setWordWrap(true);
    form->addRow(better, m_pbkdf2);
    auto *mrow = new wb::ui::FlowLayout;
    mrow->addWidget(m_measureButton);
    mrow->addWidget(m_measure);
    form->addRow(tr("Attacker's speed here:"), mrow);
    form->addRow(QString(), m_verdict);
    auto *pwBox = new QGroupBox(tr("Password storage"));
    pwBox->setLayout(form);

    // Checksums and passwords share the first tab, the file encryption panel has the second:
    // each tab whole on a classroom screen.
    auto *tabs = new QTabWidget;
    tabs->setDocumentMode(true);
    tabs->setAccessibleName(tr("Applications"));
    auto page = [](std::initializer_list<QWidget *> content) {
        auto *w = new QWidget;
        auto *v = new QVBoxLayout(w);
        v->setContentsMargins(0, 6, 0, 0);
        for (QWidget *c : content)
            v->addWidget(c);
        v->addStretch(1);
        return w;
    };
    tabs->addTab(page({fileBox, pwBox}), tr("Checksums and passwords"));
    tabs->addTab(page({new FileEncryptPanel}), tr("Password-protected files"));
    if (requestedPart(QStringLiteral("apps")) == QLatin1String("files"))
        tabs->setCurrentIndex(1);
    auto *col = new QVBoxLayout(this);
    col->addWidget(tabs, 1);

    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("File to checksum"));
        if (!f.isEmpty()) {
            m_path->setText(f);
            startChecksum(f);
        }
    });
    connect(m_start, &QPushButton::clicked, this, [this] { startChecksum(m_path->text()); });
    connect(m_path, &QLineEdit::returnPressed, this, [this] { startChecksum(m_path->text()); });
    connect(m_cancel, &QPushButton::clicked, this, &AppsPage::cancelChecksum);
    connect(m_password, &QLineEdit::textChanged, this, &AppsPage::updatePassword);
    connect(m_measureButton, &QPushButton::clicked, this, &AppsPage::startMeasure);
    updatePassword();
}

void AppsPage::fitSumsTable()
{
    // All five rows without a scrollbar, at whatever font size the table has now.
    m_sums->resizeRowsToContents();
    m_sums->setFixedHeight(m_sums->horizontalHeader()->sizeHint().height() +
                           int(kAllHashAlgs.size()) * m_sums->rowHeight(0) +
                           2 * m_sums->frameWidth() + 2);
}

void AppsPage::applyColors()
{
    const QColor base = QApplication::palette().color(QPalette::Base);
    for (int r = 0; r < m_sums->rowCount(); ++r)
        m_sums->item(r, 1)->setForeground(legibleOn(
            wb::ui::stateColor(isConsideredSecure(kAllHashAlgs[r]) ? "running" : "blocked"),
            base));
}

void AppsPage::changeEvent(QEvent *event)
{
    ModulePage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyColors();
}

bool AppsPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_sums && event->type() == QEvent::FontChange)
        fitSumsTable();
    return ModulePage::eventFilter(watched, event);
}

AppsPage::~AppsPage()
{
    shutdown();
}

void AppsPage::shutdown()
{
    m_checksumJob.stop();
    m_passwordJob.stop();
    m_measureJob.stop();
    if (auto *files = findChild<FileEncryptPanel *>())
        files->shutdown();
}

void AppsPage::startChecksum(const QString &path)
{
    m_checksumJob.stop();
    if (path.isEmpty() || !QFileInfo(path).isFile()) {
        m_checksumStatus->setText(tr("Not a readable file: %1").arg(path));
        return;
    }
    m_checksumBusy = true;
    m_start->setEnabled(false);
    m_cancel->setEnabled(true);
    m_progress->setValue(0);
    for (int r = 0; r < m_sums->rowCount(); ++r)
        m_sums->item(r, 2)->setText(QString());
    m_checksumStatus->setText(tr("Hashing %1 …").arg(QFileInfo(path).fileName()));
    const std::string file = path.toStdString();
    m_checksumJob.thread = std::thread([this, file] {
        const auto start = std::chrono::steady_clock::now();
        std::atomic<int> lastShown{-1};
        auto progress = [this, &lastShown](std::uint64_t done, std::uint64_t total) {
            const int permille = total ? int(done * 1000 / total) : 0;
            if (permille != lastShown.exchange(permille))
                QMetaObject::invokeMethod(
                    this, [this, permille] { m_progress->setValue(permille); },
                    Qt::QueuedConnection);
            return !m_checksumJob.cancel.load();
        };
        std::vector<Bytes> digests;
        QString status;
        try {
            auto result = checksumFile(file, kAllHashAlgs, progress);
            const double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (result) {
                digests = *result;
                status = tr("Done in %1 s.").arg(secs, 0, 'f', 2);
            } else {
                status = tr("Cancelled: nothing was computed.");
            }
        } catch (const std::exception &e) {
            status = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, digests, status] { finishChecksum(digests, status); },
            Qt::QueuedConnection);
    });
}

void AppsPage::finishChecksum(const std::vector<Bytes> &digests, const QString &status)
{
    if (m_checksumJob.thread.joinable())
        m_checksumJob.thread.join();
    for (int r = 0; r < int(digests.size()) && r < m_sums->rowCount(); ++r) {
        const QString hex = hexBytes(digests[std::size_t(r)], false);
        m_sums->item(r, 2)->setText(hex);
        m_sums->item(r, 2)->setToolTip(hex);
    }
    if (!digests.empty())
        m_progress->setValue(1000);
    m_checksumStatus->setText(status);
    m_start->setEnabled(true);
    m_cancel->setEnabled(false);
    m_checksumBusy = false;
    emit checksumFinished();
}

void AppsPage::cancelChecksum()
{
    m_checksumJob.cancel = true; // the worker reports "Cancelled" after its current chunk
}

QString AppsPage::checksumShown(int row) const
{
    return m_sums->item(row, 2)->text();
}

QString AppsPage::checksumStatus() const
{
    return m_checksumStatus->text();
}

void AppsPage::setPassword(const QString &password)
{
    m_password->setText(password);
}

QString AppsPage::md5Shown() const
{
    return m_md5->text();
}

QString AppsPage::pbkdf2Shown() const
{
    return m_pbkdf2->text();
}

void AppsPage::updatePassword()
{
    const QByteArray pw = m_password->text().toUtf8();
    const Bytes bytes(pw.begin(), pw.end());
    m_md5->setText(hexBytes(digest(HashAlg::Md5, bytes), false) +
                   tr("   (no salt: equal passwords, equal digests)"));
    // PBKDF2 takes a noticeable moment: compute it off the GUI thread.
    m_passwordJob.stop();
    m_pbkdf2->setText(tr("computing…"));
    if (bytes.empty()) {
        m_pbkdf2->setText(tr("(empty password)"));
        return;
    }
    const Bytes salt = m_salt;
    m_passwordJob.thread = std::thread([this, bytes, salt] {
        const auto start = std::chrono::steady_clock::now();
        const Bytes key = pbkdf2HmacSha256(bytes, salt, kIterations, 32);
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (m_passwordJob.cancel)
            return;
        QMetaObject::invokeMethod(
            this,
            [this, key, salt, secs] {
                m_pbkdf2Seconds = secs;
                // The 32-byte key on two lines, so it wraps on a narrow page.
                const Bytes head(key.begin(), key.begin() + 16), tail(key.begin() + 16, key.end());
                m_pbkdf2->setText(
                    tr("salt %1\nkey  %2\n     %3\n%4 ms per guess")
                        .arg(hexBytes(salt, false), hexBytes(head, false), hexBytes(tail, false))
                        .arg(secs * 1000, 0, 'f', 0));
                if (m_guessesPerSecond > 0)
                    startMeasure(); // refresh the verdict
            },
            Qt::QueuedConnection);
    });
}

void AppsPage::startMeasure()
{
    if (m_measureBusy)
        return;
    m_measureJob.stop();
    m_measureBusy = true;
    m_measureButton->setEnabled(false);
    m_measure->setText(tr("measuring for 1 second in a worker thread…"));
    m_measureJob.thread = std::thread([this] {
        // Guess candidates "aaaaaa", "aaaaab", … as a dictionary attack would.
        std::uint64_t guesses = 0;
        char word[6] = {'a', 'a', 'a', 'a', 'a', 'a'};
        std::uint8_t out[16];
        Hasher md5(HashAlg::Md5);
        const auto start = std::chrono::steady_clock::now();
        double secs = 0;
        while (!m_measureJob.cancel && secs < 1.0) {
            for (int k = 0; k < 4096; ++k, ++guesses) {
                for (int p = 5; p >= 0 && ++word[p] > 'z'; --p)
                    word[p] = 'a';
                md5.update(std::string_view(word, 6));
                md5.final(out);
            }
            secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        const double rate = secs > 0 ? double(guesses) / secs : 0;
        QMetaObject::invokeMethod(
            this,
            [this, rate] {
                if (m_measureJob.thread.joinable())
                    m_measureJob.thread.join();
                m_guessesPerSecond = rate;
                m_measureBusy = false;
                m_measureButton->setEnabled(true);
                m_measure->setText(tr("%L1 MD5 guesses per second (one core)").arg(qint64(rate)));
                const double space = 308915776.0; // 26^6 lowercase six-letter passwords
                const double md5Secs = space / std::max(1.0, rate);
                const double kdfSecs = space * m_pbkdf2Seconds;
                m_verdict->setText(tr("Every six-letter lowercase password (26⁶ = 308,915,776) "
                                      "tried: %1 s with MD5 "
                                      "on this one core, about %2 days with PBKDF2 (%L3 "
                                      "iterations) — and the salt "
                                      "forces the work to be redone for every user.")
                                       .arg(md5Secs, 0, 'f', 0)
                                       .arg(kdfSecs / 86400, 0, 'f', 0)
                                       .arg(kIterations));
                emit measureFinished();
            },
            Qt::QueuedConnection);
    });
}

QString AppsPage::lessonMarkdown() const
{
    return lesson("apps");
}

QStringList AppsPage::sourceFiles() const
{
    return coreSources({"core/src/checksum.cpp", "core/src/hmac.cpp", "core/src/hash.cpp",
                        "core/src/sealed_file.cpp", "core/src/tutorial_file.cpp"});
}

} // namespace wb::crypto::ui
