// Stub of android.content.res.Configuration (API 36); see androidStub/README.md.
// A plain value holder, as on Android (setLocales keeps what it is given).
package android.content.res;

import android.os.LocaleList;

public final class Configuration {
    private LocaleList locales = LocaleList.getEmptyLocaleList();

    public Configuration() {}

    public LocaleList getLocales() {
        return locales;
    }

    public void setLocales(LocaleList locales) {
        this.locales = locales;
    }
}
