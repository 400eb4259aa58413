// Stub of android.os.LocaleList (API 24+, API 36 signatures); see
// androidStub/README.md. A plain value holder, as on Android.
package android.os;

import java.util.Locale;

public final class LocaleList {
    private final Locale[] list;

    public LocaleList(Locale... list) {
        this.list = list.clone();
    }

    public static LocaleList getEmptyLocaleList() {
        return new LocaleList();
    }

    public static LocaleList forLanguageTags(String list) {
        if (list == null || list.isEmpty()) {
            return getEmptyLocaleList();
        }
        String[] tags = list.split(",");
        Locale[] locales = new Locale[tags.length];
        for (int i = 0; i < tags.length; i++) {
            locales[i] = Locale.forLanguageTag(tags[i]);
        }
        return new LocaleList(locales);
    }

    public Locale get(int index) {
        return (0 <= index && index < list.length) ? list[index] : null;
    }

    public int size() {
        return list.length;
    }
}
