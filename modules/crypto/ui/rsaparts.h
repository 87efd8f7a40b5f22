#pragma once
// The four views of the RSA lab, one per tab, each drawing its part of the lab's state at the
// cursor: the key being searched for, the exponentiations square by square, textbook RSA next
// to OAEP and PKCS#1 v1.5, and the malleability of textbook RSA. They only draw: the page runs
// the operations and holds the one trace they all read.

#include "crypto/core/rsa_lab.h"

#include <QSet>
#include <QString>
#include <QTextBrowser>

namespace wb::crypto::ui {

// How the lab writes a number: the base the learner picked, and the long numbers the reader
// unfolded.
struct RsaNumberStyle
{
    enum class Base { Auto, Decimal, Hex };
    Base base = Base::Auto;
    QSet<QString> unfolded;

    // Auto: decimal up to about 128 bits, hex (0x…) above. Digits in groups, so they wrap.
    QString number(const Bytes &bigEndian) const;
    // number(), folded to its first and last digits when long; `id` names it for the "show
    // all" link (fold:<id> / unfold:<id>).
    QString folded(const QString &id, const Bytes &bigEndian) const;
};

// The learner's inputs as typed, which the views write out beside the numbers of the trace.
struct RsaLabInputs
{
    QString paddingText;
    QString malleateM, malleateS;
};

// One part's view: a rich-text page drawn from the lab's state at the cursor.
class RsaPartView : public QTextBrowser
{
public:
    explicit RsaPartView(RsaLabPart part, QWidget *parent = nullptr);

    RsaLabPart part() const { return m_part; }
    // Draws `state`. When the cursor has `moved`, the view scrolls to the row the last step
    // changed (or to the top when no row did); otherwise it keeps the reader's place.
    void draw(const RsaLabState &state, const RsaNumberStyle &numbers, const RsaLabInputs &inputs,
              bool moved);
    // A sentence instead of the part (a part the trace has no run of).
    void drawNote(const QString &text);

private:
    RsaLabPart m_part;
};

} // namespace wb::crypto::ui
