// The shipped languages: one JSON file per locale (de.json, pt-BR.json, …)
// in this package's bundle, generated from the repository's locales/*.arb
// by scripts/gen-bindings. English is built into the library.
import Foundation

/// Picks the shipped translation that fits the person's languages and adds
/// it to a `MessageCatalog`:
///
/// ```swift
/// let catalog = MessageCatalog()
/// let locale = LatchkeyLocales.load(into: catalog)            // "de", "pt-BR", … or "en"
/// _ = try? catalog.addTranslationsJson(locale: locale, json: overrides)   // optional: the app's own wording
/// let findings = try await client.diagnosticsIn(catalog: catalog, locale: locale).diagnose(snapshot: s, lockId: id)
/// ```
///
/// Anything missing from a locale falls back to English key by key. An app
/// adds an eleventh language with `catalog.addTranslationsJson` from its
/// own resource (see docs/diagnostics.md).
public enum LatchkeyLocales {
    /// The locales shipped in `bundle` (English is built in, not a file).
    public static func available(in bundle: Bundle = .module) -> [String] {
        (bundle.urls(forResourcesWithExtension: "json", subdirectory: "locales") ?? [])
            .map { $0.deletingPathExtension().lastPathComponent }
            .sorted()
    }

    /// Loads the file that best fits `preferredLanguages` (most preferred
    /// first, as `Locale.preferredLanguages` gives them) into `catalog` and
    /// returns the locale to render in: the file's, or "en" when none fits
    /// (Traditional Chinese does not read Simplified). Reads one file.
    public static func load(
        into catalog: MessageCatalog,
        preferredLanguages: [String] = Locale.preferredLanguages,
        bundle: Bundle = .module
    ) -> String {
        guard
            let locale = matchLocale(preferred: preferredLanguages, available: available(in: bundle)),
            locale != "en",
            let url = bundle.url(forResource: locale, withExtension: "json", subdirectory: "locales"),
            let json = try? String(contentsOf: url, encoding: .utf8),
            (try? catalog.addTranslationsJson(locale: locale, json: json)) != nil
        else { return "en" }
        return locale
    }
}
