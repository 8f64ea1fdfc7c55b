import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Turns what a fetch went wrong with into a short line a person can act on: Foundation's
/// errors by their meaning (not "NSCocoaErrorDomain error 512"), and error pages by their
/// status and a short, sanitised excerpt (not a whole HTML page).
///
/// Pure: no I/O; tested in-process.
public enum FetchMessages {
    /// The longest excerpt of an error body, in characters.
    public static let excerptLength = 160

    /// The reason behind a Foundation (URLSession, file) error.
    public static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSURLErrorDomain {
            switch ns.code {
            case NSURLErrorTimedOut: return "the server stopped sending data (timed out)"
            case NSURLErrorCannotConnectToHost: return "connection refused"
            case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return "host not found"
            case NSURLErrorNetworkConnectionLost: return "the connection was closed before the answer was complete"
            case NSURLErrorNotConnectedToInternet: return "no network"
            case NSURLErrorBadServerResponse: return "the server's answer is not valid HTTP"
            case NSURLErrorUnsupportedURL, NSURLErrorBadURL: return "the URL is not valid"
            case NSURLErrorHTTPTooManyRedirects: return "too many redirects"
            case NSURLErrorSecureConnectionFailed: return "TLS handshake failed"
            case NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate, NSURLErrorServerCertificateNotYetValid,
                 NSURLErrorServerCertificateHasUnknownRoot, NSURLErrorClientCertificateRejected:
                return "the server's TLS certificate was refused"
            case NSURLErrorCancelled: return "cancelled"
            default: break
            }
        }
        if let posix = posixCode(ns) { return String(cString: strerror(posix)) }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileWriteUnknownError, NSFileWriteNoPermissionError: return "the file could not be written"
            case NSFileWriteOutOfSpaceError: return "no space left on the device"
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        let text = ns.localizedDescription
        // Foundation's generic text says nothing; name the domain and code instead.
        if text.isEmpty || text.hasPrefix("The operation could not be completed") {
            return "\(ns.domain) error \(ns.code)"
        }
        return text
    }

    /// The POSIX error under a Foundation error, if there is one.
    static func posixCode(_ ns: NSError) -> Int32? {
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError { return posixCode(underlying) }
        return nil
    }

    /// "HTTP 404: Not Found – the page you …": the status and a short excerpt of the body.
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - body: the first bytes of the body (more is not needed).
    ///   - contentType: the `Content-Type` header, if any.
    public static func httpError(status: Int, body: [UInt8], contentType: String?) -> String {
        let excerpt = excerpt(body, contentType: contentType)
        return "HTTP \(status)" + (excerpt.isEmpty ? "" : ": \(excerpt)")
    }

    /// A body reduced to one printable line of at most ``excerptLength`` characters: for HTML,
    /// the title (else the text without markup, scripts and styles); control characters and
    /// terminal escapes removed; whitespace collapsed.
    public static func excerpt(_ body: [UInt8], contentType: String?) -> String {
        var text = String(decoding: body, as: UTF8.self)
        let lower = text.lowercased()
        let isHTML = contentType?.lowercased().contains("html") == true || lower.contains("<html") || lower.contains("<!doctype html")
            || lower.hasPrefix("<")
        if isHTML {
            if let title = element("title", in: text), !title.isEmpty {
                text = title
            } else {
                text = stripMarkup(text)
            }
            text = decodeEntities(text)
        }
        // Printable characters only: no control characters, so no terminal escape sequences.
        let printable = text.unicodeScalars.map { scalar -> Character in
            (scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format) ? " " : Character(scalar)
        }
        let words = String(printable).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard words.count > excerptLength else { return words }
        return String(words.prefix(excerptLength)) + "…"
    }

    /// The text inside the first `<name>` element, if any.
    static func element(_ name: String, in html: String) -> String? {
        guard let open = html.range(of: "<\(name)", options: .caseInsensitive),
              let openEnd = html[open.upperBound...].firstIndex(of: ">"),
              let close = html.range(of: "</\(name)", options: .caseInsensitive, range: openEnd..<html.endIndex) else { return nil }
        return String(html[html.index(after: openEnd)..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text of an HTML page: scripts and styles dropped, tags replaced by spaces.
    static func stripMarkup(_ html: String) -> String {
        var text = html
        for block in ["script", "style"] {
            while let open = text.range(of: "<\(block)", options: .caseInsensitive) {
                let end = text.range(of: "</\(block)>", options: .caseInsensitive, range: open.upperBound..<text.endIndex)?.upperBound ?? text.endIndex
                text.replaceSubrange(open.lowerBound..<end, with: " ")
            }
        }
        var out = ""
        var inTag = false
        for c in text {
            if c == "<" { inTag = true; out.append(" ") } else if c == ">" { inTag = false } else if !inTag { out.append(c) }
        }
        return out
    }

    static func decodeEntities(_ text: String) -> String {
        var text = text
        for (entity, value) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: value)
        }
        return text
    }
}
