import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ed25519 signing keys in files and in the environment.
///
/// A key file is text: a header line, the base64 of the key's raw 32 bytes, a footer line, e.g.
/// `-----BEGIN MODELCHECK ED25519 PRIVATE KEY-----` … `-----END MODELCHECK ED25519 PRIVATE KEY-----`.
public enum SigningKeys {
    /// The environment variable `privateKey(fromEnvironment:)` reads by default.
    public static let environmentVariable = "MODELCHECK_SIGNING_KEY"

    /// Why a key could not be written or read: the file (or variable) and the reason.
    public struct KeyError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The key file's path, or the environment variable's name.
        public let source: String
        /// What is wrong.
        public let reason: String

        /// One line naming the file or variable.
        public var description: String { "\(source): \(reason)" }
    }

    private enum Kind: String {
        case privateKey = "PRIVATE"
        case publicKey = "PUBLIC"

        var header: String { "-----BEGIN MODELCHECK ED25519 \(rawValue) KEY-----" }
        var footer: String { "-----END MODELCHECK ED25519 \(rawValue) KEY-----" }
    }

    /// Generates a key pair into two new files; refuses if either exists, and the private one is mode 0600.
    public static func generate(privateKeyFile: URL, publicKeyFile: URL) throws {
        // Checked before anything is written so a refusal leaves no half pair; O_EXCL below closes the race.
        for file in [privateKeyFile, publicKeyFile] where FileManager.default.fileExists(atPath: file.path) {
            throw KeyError(source: file.path, reason: "already exists; a key file is never overwritten")
        }
        let key = Curve25519.Signing.PrivateKey()
        try create(privateKeyFile, text: text(.privateKey, key.rawRepresentation), mode: 0o600)
        do {
            try create(publicKeyFile, text: text(.publicKey, key.publicKey.rawRepresentation), mode: 0o644)
        } catch {
            // The private key is only useful with its public half on record: leave neither.
            unlink(privateKeyFile.path)
            throw error
        }
    }

    /// The private key in a file `generate` wrote.
    public static func loadPrivateKey(from url: URL) throws -> Curve25519.Signing.PrivateKey {
        let raw = try read(.privateKey, from: url)
        do { return try Curve25519.Signing.PrivateKey(rawRepresentation: raw) } catch {
            throw KeyError(source: url.path, reason: "not a valid Ed25519 private key")
        }
    }

    /// The public key in a file `generate` wrote.
    public static func loadPublicKey(from url: URL) throws -> Curve25519.Signing.PublicKey {
        let raw = try read(.publicKey, from: url)
        do { return try Curve25519.Signing.PublicKey(rawRepresentation: raw) } catch {
            throw KeyError(source: url.path, reason: "not a valid Ed25519 public key")
        }
    }

    /// The private key held as base64 of its raw 32 bytes in the variable `name`; nil when it is unset or empty.
    public static func privateKey(fromEnvironment name: String = environmentVariable,
                                  in environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> Curve25519.Signing.PrivateKey? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        // The value is a secret: errors name the variable, never echo it.
        guard let raw = Data(base64Encoded: value), raw.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw KeyError(source: "$\(name)", reason: "not the base64 of a raw 32-byte Ed25519 private key")
        }
        return key
    }

    private static func text(_ kind: Kind, _ raw: Data) -> String {
        "\(kind.header)\n\(raw.base64EncodedString())\n\(kind.footer)\n"
    }

    private static func create(_ url: URL, text: String, mode: mode_t) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw KeyError(source: url.path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        do {
            // The umask may only narrow the mode, but a private key's mode must be exactly 0600 whatever it is.
            guard fchmod(descriptor, mode) == 0 else { throw KeyError(source: url.path, reason: String(cString: strerror(errno))) }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            unlink(url.path)
            throw (error as? KeyError) ?? KeyError(source: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    private static func read(_ kind: Kind, from url: URL) throws -> Data {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw KeyError(source: url.path, reason: "cannot read key file: \(error.localizedDescription)")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let other: Kind = kind == .privateKey ? .publicKey : .privateKey
        if lines.first == other.header {
            throw KeyError(source: url.path, reason: "holds a \(other.rawValue.lowercased()) key, not a \(kind.rawValue.lowercased()) key")
        }
        guard lines.count >= 3, lines.first == kind.header, lines.last == kind.footer else {
            throw KeyError(source: url.path, reason: "not a modelcheck Ed25519 \(kind.rawValue.lowercased()) key file (expected '\(kind.header)')")
        }
        guard let raw = Data(base64Encoded: lines[1..<(lines.count - 1)].joined()), raw.count == 32 else {
            throw KeyError(source: url.path, reason: "the key is not base64 of 32 bytes")
        }
        return raw
    }
}
