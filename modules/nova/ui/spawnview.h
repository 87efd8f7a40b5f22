#pragma once
// What the compute host builds when it spawns instance-00000001, in three tabs:
// - the libvirt domain XML for an address and MAC the user picks (refused ones warned about),
//   each element explained, and the values checked against each other;
// - the iptables filter rules as recorded (which iptables-restore refuses: nothing loads), as
//   recorded with a loadable ICMP rule (to walk the DHCP defects), or corrected, and a packet
//   walked through what the kernel would hold, chain by chain, rule by rule;
// - the image preparation (_create_image, inject_data) as a described plan: never executed.

#include "nova/core/iptables.h"
#include "nova/core/walk_replay.h"

#include "workbench/ui/session.h"

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPlainTextEdit;
class QRadioButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTextBrowser;

namespace wb {
class Trace;
}
namespace wb::ui {
class StepController;
}

namespace wb::nova::ui {

class SpawnPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    enum Tab { XmlTab, RulesTab, ImageTab };
    // Recorded: the listing as printed (its ICMP rule stops iptables-restore, so nothing of
    // it loads); RecordedLoadable: the listing with that one rule as meant (all ICMP).
    enum class Rules { Recorded, RecordedLoadable, Corrected };

    explicit SpawnPage(QWidget *parent = nullptr);
    ~SpawnPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;

    void showTab(Tab tab);
    // The packet walk: choose a preset (see presets()) or set the fields, then walk.
    QStringList presets() const;
    void choosePreset(int index);
    void setCorrected(bool corrected); // Corrected or Recorded
    void setRules(Rules rules);
    void setIcmp(int type, int code);
    bool walk(); // false with a message when a field does not parse
    QString walkMessage() const;
    // At the cursor: the verdict once reached ("ACCEPT"/"DROP"), else "".
    QString verdictAtCursor() const;
    // At the cursor: the listing line being matched ("" when none), and the chain stack.
    QString currentRuleText() const;
    QStringList chainStack() const;
    QString domainXml() const;
    // The XML tab's address and MAC; the warning shown for them ("" when none).
    void setXmlAddress(const QString &ip, const QString &mac);
    QString xmlWarning() const;
    int imageSteps() const;
    bool showRecording(const wb::Recording &recording, QString *error) override;

protected:
    bool keepsRecordings() const override { return true; }
    // tab (xml, rules, image: whose steps the recording holds) and every input of the three
    // tabs: ip, mac, comments; rules (recorded, loadable, corrected), preset, src, dst,
    // proto, sport, dport, state, icmp-type, icmp-code; ssh-key, never-up, busy.
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override;
    bool acceptsEvent(const wb::Event &event) const override;
    void changeEvent(QEvent *event) override;
    void refresh() override; // the walk or the image plan at the cursor

private:
    QWidget *buildXmlTab();
    QWidget *buildRulesTab();
    QWidget *buildRulesListing(); // which rules, the listing and what is wrong with it
    QWidget *buildPacketForm();   // the packet's fields and the Walk button
    QWidget *buildWalkPanel();    // the chains, the walk so far and the verdict
    QWidget *buildImageTab();
    void ensureHiddenTabs(); // the iptables and image tabs filled, once
    void renderXml();
    void renderRules();
    void renderImage();
    void tabChanged(int index);
    void redrawWalk();
    QListWidgetItem *walkLogItem(const WalkEntry &entry, const Ruleset &rules) const;
    int listingLine(const WalkState &walk, const Ruleset &rules) const; // -1: none
    void redrawImage();
    Ruleset currentRules() const;

    QTabWidget *m_tabs;
    std::shared_ptr<wb::Trace> m_xmlTrace, m_walkTrace, m_imageTrace;
    bool m_hiddenTabsReady = false;
    bool m_recolouring = false; // setting style sheets sends palette changes of their own
    QRgb m_paletteBase = 0;     // the Base colour the page was last coloured for

    // XML
    QPlainTextEdit *m_xml;
    QTableWidget *m_annotations;
    QLabel *m_checks;
    QCheckBox *m_comments;
    QLineEdit *m_xmlIp, *m_xmlMac;
    QLabel *m_xmlWarning;
    QWidget *m_xmlWarningBox; // the warning's ReflowBox, hidden with no warning
    QLabel *m_xmlTitle;

    // Rules and the walk
    QRadioButton *m_recorded, *m_loadable, *m_corrected;
    QListWidget *m_listing;
    QTextBrowser *m_defects;
    QComboBox *m_preset;
    QLineEdit *m_src, *m_dst, *m_sport, *m_dport;
    QComboBox *m_proto, *m_state;
    QSpinBox *m_icmpType, *m_icmpCode;
    QLabel *m_walkMessage;
    QLabel *m_breadcrumb;
    QListWidget *m_walkLog;
    QLabel *m_verdict;
    std::vector<int> m_ruleLine; // listing line of each rule of currentRules().rules

    // Image
    QLineEdit *m_sshKey;
    QCheckBox *m_neverUp;
    QSpinBox *m_busy;
    QTableWidget *m_imageTable;
    QLabel *m_imageStatus;
};

} // namespace wb::nova::ui
