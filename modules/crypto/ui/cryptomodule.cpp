#include "cryptomodule.h"
#include "appsview.h"
#include "cipherview.h"
#include "hashview.h"
#include "rsaview.h"
#include "streamview.h"

namespace wb::crypto::ui {

bool CryptoModule::initialize(QString *)
{
    return true;
}

QList<wb::ui::ViewInfo> CryptoModule::views() const
{
    return {{"hash", tr("Hash")},
            {"cipher", tr("DES and modes")},
            {"stream", tr("ARC4")},
            {"rsa", tr("RSA")},
            {"apps", tr("Checksums, passwords, files")}};
}

wb::ui::ModulePage *CryptoModule::createView(const QString &viewId, QWidget *parent)
{
    if (viewId == "hash")
        return new HashPage(parent);
    if (viewId == "cipher")
        return new CipherPage(parent);
    if (viewId == "stream")
        return new StreamPage(parent);
    if (viewId == "rsa")
        return new RsaPage(parent);
    if (viewId == "apps")
        return new AppsPage(parent);
    return nullptr;
}

} // namespace wb::crypto::ui
