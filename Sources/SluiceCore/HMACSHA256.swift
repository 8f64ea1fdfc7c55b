import CLibCrypto

/// HMAC-SHA256 (RFC 2104) through the system's libcrypto (OpenSSL 3's `EVP_Q_mac`): the MAC
/// behind AWS Signature Version 4.
public enum HMACSHA256 {
    /// The 32-byte MAC of `data` under `key`.
    /// - Complexity: O(n) in the length of `data`.
    public static func mac(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        let ok = key.withUnsafeBytes { k in
            data.withUnsafeBufferPointer { d in
                // A zero-length buffer may have no base address; OpenSSL wants a pointer all the same.
                var empty: UInt8 = 0
                return withUnsafePointer(to: &empty) { fallback in
                    EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, k.baseAddress ?? UnsafeRawPointer(fallback), k.count,
                              d.baseAddress ?? fallback, d.count, &out, 32, &length) != nil
                }
            }
        }
        precondition(ok && length == 32, "libcrypto refused HMAC-SHA256")
        return out
    }

    /// The MAC of `text`'s UTF-8 bytes under `key`.
    public static func mac(key: [UInt8], text: String) -> [UInt8] {
        mac(key: key, data: Array(text.utf8))
    }

    /// `bytes` as lower-case hexadecimal, two characters a byte.
    public static func hex(_ bytes: [UInt8]) -> String {
        SHA256.hex(bytes)
    }
}
