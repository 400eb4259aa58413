// The reference platform keys for iOS: the holder key and the key that
// wraps the store's data key, both in the Secure Enclave where there is
// one, in the Keychain where there is none (the simulator). Each method
// is one Security-framework call; the signature goes back as the DER the
// platform makes, and the library converts it to the fixed 64-byte r ‖ s
// itself (leading-zero and short scalars included).
//
//   let client = try await LatchkeyClientBuilder(config: config)
//       .keyStore(keyStore: KeychainKeyStore())
//       .signer(signer: SecureEnclaveSigner())
//       ...
//
// User presence (SecureEnclaveSigner(presence: …)):
// - .none (default): the phone signs whenever the app asks; the device's
//   data protection still applies (`AfterFirstUnlockThisDeviceOnly`, so
//   a locked phone in a pocket can still open the door from the app).
// - .userPresence: Face ID, Touch ID or the passcode for each signature;
//   iOS shows the prompt itself while the library waits (a second or
//   more), and a cancelled prompt fails the command with PhoneKey.
// - .biometryCurrentSet: like .userPresence, biometrics only, and the
//   key is invalidated when enrolled biometrics change (the store's keys
//   issued to it stop working: sign in again).
// On the simulator (no Secure Enclave) the keys are ordinary Keychain
// items: `protection()` says `.platform`, and `client.keyCustody()` too.
//
// Widgets, App Intents and controls (quick access, docs/bindings.md) run
// in extensions: give the app and its extensions the same Keychain
// access group (Keychain Sharing) and pass it as `accessGroup`, so both
// find the same keys. Keys made without it stay the app's own.
#if canImport(Security) && canImport(CryptoKit)
import CryptoKit
import Foundation
import Security

/// The holder key: P-256 in the Secure Enclave, or the Keychain without one.
public final class SecureEnclaveSigner: Signer, @unchecked Sendable {
    public enum Presence { case none, userPresence, biometryCurrentSet }

    private let tag: Data
    private let presence: Presence
    private let group: String?
    private let lock = NSLock()
    private var cached: (key: SecKey, protection: KeyProtection)?

    public init(tag: String = "dev.latchkey.holder", presence: Presence = .none, accessGroup: String? = nil) {
        self.tag = Data(tag.utf8)
        self.presence = presence
        self.group = accessGroup
    }

    public func publicKey() throws -> Data {
        let key = try privateKey().key
        guard let pub = SecKeyCopyPublicKey(key) else { throw KeyStoreError.Crypto(reason: "no public key") }
        var error: Unmanaged<CFError>?
        guard let bytes = SecKeyCopyExternalRepresentation(pub, &error) as Data? else {
            throw KeyStoreError.Crypto(reason: describe(error))
        }
        return bytes  // X9.63: 04 ‖ x ‖ y, 65 bytes
    }

    public func sign(message: Data) throws -> Data {
        let key = try privateKey().key
        var error: Unmanaged<CFError>?
        guard let der = SecKeyCreateSignature(key, .ecdsaSignatureMessageX962SHA256, message as CFData, &error) as Data?
        else {
            throw KeyStoreError.Unavailable(reason: describe(error))
        }
        return der
    }

    public func protection() -> KeyProtection {
        (try? privateKey().protection) ?? .platform
    }

    public func deleteKey() throws {
        lock.lock()
        defer { lock.unlock() }
        cached = nil
        try deleteItems([kSecClass: kSecClassKey, kSecAttrApplicationTag: tag], group: group)
    }

    private func privateKey() throws -> (key: SecKey, protection: KeyProtection) {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let found = try findKey(tag, group: group) ?? createKey()
        cached = found
        return found
    }

    private func createKey() throws -> (key: SecKey, protection: KeyProtection) {
        if secureEnclaveAvailable,
           let key = try? makeKey(tag, group: group, secureEnclave: true, flags: flags(enclave: true))
        {
            return (key, .secureEnclave)
        }
        return (try makeKey(tag, group: group, secureEnclave: false, flags: flags(enclave: false)), .platform)
    }

    private func flags(enclave: Bool) -> SecAccessControlCreateFlags {
        var flags: SecAccessControlCreateFlags = enclave ? [.privateKeyUsage] : []
        switch presence {
        case .none: break
        case .userPresence: flags.insert(.userPresence)
        case .biometryCurrentSet: flags.insert(.biometryCurrentSet)
        }
        return flags
    }
}

/// The key store: the data key is encrypted to a Secure Enclave P-256 key
/// (ECIES, AES-GCM), or with AES-GCM under a random key kept as a
/// Keychain item where there is no Secure Enclave.
public final class KeychainKeyStore: KeyStore, @unchecked Sendable {
    private static let enclaveFormat: UInt8 = 1
    private static let keychainFormat: UInt8 = 2
    private let tag: Data
    private let group: String?
    private let lock = NSLock()

    public init(tag: String = "dev.latchkey.store", accessGroup: String? = nil) {
        self.tag = Data(tag.utf8)
        self.group = accessGroup
    }

    public func wrapDataKey(dataKey: Data) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        var found = try findKey(tag, group: group)
        if found == nil && secureEnclaveAvailable {
            found = try? enclaveKey()
        }
        if let found {
            guard let pub = SecKeyCopyPublicKey(found.key) else { throw KeyStoreError.Crypto(reason: "no public key") }
            var error: Unmanaged<CFError>?
            guard let sealed = SecKeyCreateEncryptedData(pub, Self.algorithm, dataKey as CFData, &error) as Data?
            else {
                throw KeyStoreError.Crypto(reason: describe(error))
            }
            return Data([Self.enclaveFormat]) + sealed
        }
        return Data([Self.keychainFormat]) + (try keychainSeal(dataKey))
    }

    public func unwrapDataKey(wrapped: Data) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        guard let format = wrapped.first else { throw KeyStoreError.InvalidInput(reason: "empty") }
        let body = wrapped.dropFirst()
        switch format {
        case Self.enclaveFormat:
            guard let found = try findKey(tag, group: group) else { throw KeyStoreError.WrongKey }
            var error: Unmanaged<CFError>?
            guard let plain = SecKeyCreateDecryptedData(found.key, Self.algorithm, Data(body) as CFData, &error) as Data?
            else {
                throw KeyStoreError.WrongKey
            }
            return plain
        case Self.keychainFormat:
            return try keychainOpen(Data(body))
        default:
            throw KeyStoreError.InvalidInput(reason: "unknown wrapped-key format \(format)")
        }
    }

    public func protection() -> KeyProtection {
        if let found = try? findKey(tag, group: group) { return found.protection }
        return secureEnclaveAvailable ? .secureEnclave : .platform
    }

    public func deleteKey() throws {
        lock.lock()
        defer { lock.unlock() }
        try deleteItems([kSecClass: kSecClassKey, kSecAttrApplicationTag: tag], group: group)
        try deleteItems(
            [kSecClass: kSecClassGenericPassword, kSecAttrService: "dev.latchkey", kSecAttrAccount: tag], group: group)
    }

    private static let algorithm = SecKeyAlgorithm.eciesEncryptionCofactorVariableIVX963SHA256AESGCM

    private func enclaveKey() throws -> (key: SecKey, protection: KeyProtection) {
        (try makeKey(tag, group: group, secureEnclave: true, flags: [.privateKeyUsage]), .secureEnclave)
    }

    /// AES-256-GCM (CommonCrypto has no GCM; CryptoKit does) under a
    /// random key kept as a generic-password Keychain item.
    private func keychainSeal(_ plain: Data) throws -> Data {
        let key = try keychainSecret(create: true)
        return try aesGcmSeal(plain, key: key)
    }

    private func keychainOpen(_ sealed: Data) throws -> Data {
        let key = try keychainSecret(create: false)
        return try aesGcmOpen(sealed, key: key)
    }

    private func keychainSecret(create: Bool) throws -> Data {
        var query: [CFString: Any] = [
            kSecClass: kSecClassGenericPassword, kSecAttrService: "dev.latchkey", kSecAttrAccount: tag,
            kSecReturnData: true,
        ]
        if let group { query[kSecAttrAccessGroup] = group }
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        if status == errSecSuccess, let data = item as? Data { return data }
        guard create else { throw KeyStoreError.WrongKey }
        var secret = Data(count: 32)
        let made = secret.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 32, $0.baseAddress!) }
        guard made == errSecSuccess else { throw KeyStoreError.Crypto(reason: "random generator failed") }
        var add: [CFString: Any] = [
            kSecClass: kSecClassGenericPassword, kSecAttrService: "dev.latchkey", kSecAttrAccount: tag,
            kSecAttrAccessible: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly, kSecValueData: secret,
        ]
        if let group { add[kSecAttrAccessGroup] = group }
        let added = SecItemAdd(add as CFDictionary, nil)
        guard added == errSecSuccess else { throw KeyStoreError.Storage(reason: "Keychain: OSStatus \(added)") }
        return secret
    }
}

// MARK: - Keychain calls shared by both

/// Whether this device has a Secure Enclave (never the simulator).
var secureEnclaveAvailable: Bool {
    #if targetEnvironment(simulator)
    return false
    #else
    return true
    #endif
}

/// The private key tagged `tag` (in access group `group`, when given),
/// and where it lives.
func findKey(_ tag: Data, group: String?) throws -> (key: SecKey, protection: KeyProtection)? {
    var query: [CFString: Any] = [
        kSecClass: kSecClassKey, kSecAttrApplicationTag: tag, kSecAttrKeyType: kSecAttrKeyTypeECSECPrimeRandom,
        kSecReturnRef: true, kSecReturnAttributes: true,
    ]
    if let group { query[kSecAttrAccessGroup] = group }
    var item: CFTypeRef?
    let status = SecItemCopyMatching(query as CFDictionary, &item)
    if status == errSecItemNotFound { return nil }
    guard status == errSecSuccess, let attributes = item as? [CFString: Any], let ref = attributes[kSecValueRef]
    else {
        throw KeyStoreError.Unavailable(reason: "Keychain: OSStatus \(status)")
    }
    let token = attributes[kSecAttrTokenID] as? String
    let protection: KeyProtection = token == (kSecAttrTokenIDSecureEnclave as String) ? .secureEnclave : .platform
    return ((ref as! SecKey), protection)
}

/// A new permanent P-256 private key tagged `tag`, in access group
/// `group` when given (shared with the app's extensions).
func makeKey(_ tag: Data, group: String?, secureEnclave: Bool, flags: SecAccessControlCreateFlags) throws -> SecKey {
    var error: Unmanaged<CFError>?
    guard let access = SecAccessControlCreateWithFlags(
        kCFAllocatorDefault, kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly, flags, &error)
    else {
        throw KeyStoreError.Crypto(reason: describe(error))
    }
    var privateAttributes: [CFString: Any] = [
        kSecAttrIsPermanent: true, kSecAttrApplicationTag: tag, kSecAttrAccessControl: access,
    ]
    if let group { privateAttributes[kSecAttrAccessGroup] = group }
    var attributes: [CFString: Any] = [
        kSecAttrKeyType: kSecAttrKeyTypeECSECPrimeRandom,
        kSecAttrKeySizeInBits: 256,
        kSecPrivateKeyAttrs: privateAttributes,
    ]
    if secureEnclave { attributes[kSecAttrTokenID] = kSecAttrTokenIDSecureEnclave }
    guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
        throw KeyStoreError.Unavailable(reason: describe(error))
    }
    return key
}

/// AES-256-GCM: nonce ‖ ciphertext ‖ tag.
func aesGcmSeal(_ plain: Data, key: Data) throws -> Data {
    guard let sealed = try? AES.GCM.seal(plain, using: SymmetricKey(data: key)).combined else {
        throw KeyStoreError.Crypto(reason: "AES-GCM seal failed")
    }
    return sealed
}

/// Opens what `aesGcmSeal` made; anything else is the wrong key.
func aesGcmOpen(_ sealed: Data, key: Data) throws -> Data {
    guard let box = try? AES.GCM.SealedBox(combined: sealed),
          let plain = try? AES.GCM.open(box, using: SymmetricKey(data: key))
    else {
        throw KeyStoreError.WrongKey
    }
    return plain
}

/// Deletes every item matching `query` (in access group `group`, when
/// given); none is no error.
func deleteItems(_ query: [CFString: Any], group: String?) throws {
    var query = query
    if let group { query[kSecAttrAccessGroup] = group }
    let status = SecItemDelete(query as CFDictionary)
    guard status == errSecSuccess || status == errSecItemNotFound else {
        throw KeyStoreError.Storage(reason: "Keychain: OSStatus \(status)")
    }
}

func describe(_ error: Unmanaged<CFError>?) -> String {
    guard let error = error?.takeRetainedValue() else { return "unknown Security framework error" }
    return (error as Error).localizedDescription
}
#endif
