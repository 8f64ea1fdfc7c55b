/// An object in a bucket: `s3://BUCKET/KEY`.
public struct S3Object: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var bucket: String
    /// The key as written (not encoded); empty for the bucket itself.
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// The object an `s3://BUCKET/KEY` URL names; `nil` for anything else (no bucket, no key).
    public init?(url: String) {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst("s3://".count)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else { return nil }
        let key = rest[rest.index(after: slash)...]
        guard !key.isEmpty else { return nil }
        self.init(bucket: String(rest[..<slash]), key: String(key))
    }

    /// The object `name` below the prefix of `s3://BUCKET/PREFIX` (trailing slashes of the
    /// prefix dropped): `s3://b/models/iris` and `model.json` name `models/iris/model.json`.
    public init?(prefixURL url: String, name: String) {
        var prefix = Substring(url)
        while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
        self.init(url: "\(prefix)/\(name)")
    }

    /// The bucket alone (for a request on the bucket, such as `HEAD`).
    public var bucketOnly: S3Object { S3Object(bucket: bucket, key: "") }

    /// `s3://BUCKET/KEY`.
    public var description: String { key.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(key)" }
}
