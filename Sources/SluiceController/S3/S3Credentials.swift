/// An AWS access key: the id, the secret and, for temporary credentials, the session token.
///
/// Its description shows the key id only: the secret and the token never reach a log or an error.
public struct S3Credentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    /// `AWS_SESSION_TOKEN`: sent as `x-amz-security-token` (and signed) when set.
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String { "access key \(accessKeyId)" }
}
