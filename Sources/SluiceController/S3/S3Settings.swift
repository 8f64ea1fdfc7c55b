import Foundation
import SluiceCore

/// What S3 requests are made with, read from the environment as the AWS SDKs and the AWS CLI
/// read it: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; the region from
/// `AWS_REGION`, then `AWS_DEFAULT_REGION`, else `us-east-1`; the endpoint of an S3-compatible
/// server from `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL` (addressed path-style,
/// ``S3Address``). An empty variable counts as unset.
///
/// Read at each request (``current()``), so that rotated credentials are used without a restart.
public struct S3Settings: Sendable, Equatable {
    /// `nil` when a variable is missing (``missingCredentials``).
    public var credentials: S3Credentials?
    public var region: String
    /// The endpoint as written, and the variable it came from; `nil`: AWS itself.
    public var endpoint: (url: String, variable: String)?
    /// The credential variables that are not set.
    public var missingCredentials: [String]

    public static let accessKeyVariable = "AWS_ACCESS_KEY_ID"
    public static let secretVariable = "AWS_SECRET_ACCESS_KEY"
    public static let sessionTokenVariable = "AWS_SESSION_TOKEN"

    /// The settings in `environment`.
    public init(environment: [String: String]) {
        func value(_ name: String) -> String? {
            guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        let id = value(Self.accessKeyVariable), secret = value(Self.secretVariable)
        missingCredentials = [(Self.accessKeyVariable, id), (Self.secretVariable, secret)].filter { $0.1 == nil }.map(\.0)
        if let id, let secret {
            credentials = S3Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: value(Self.sessionTokenVariable))
        }
        region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? "us-east-1"
        endpoint = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"].lazy.compactMap { name in value(name).map { ($0, name) } }.first
    }

    /// `AWS_ENDPOINT_URL=http://…` for messages (credentials in the URL masked); `nil` without an endpoint.
    public var endpointDescription: String? {
        endpoint.map { "\($0.variable)=\(Redaction.url($0.url))" }
    }

    /// The settings of this process's environment now.
    public static func current() -> S3Settings {
        S3Settings(environment: ProcessInfo.processInfo.environment)
    }

    /// The credentials.
    /// - Throws: ``S3Error`` naming the variables to set.
    public func requireCredentials(for place: String) throws(S3Error) -> S3Credentials {
        guard let credentials else {
            throw S3Error("\(place): AWS credentials are not set (\(missingCredentials.joined(separator: " and ")) missing); export \(Self.accessKeyVariable) and \(Self.secretVariable) (and \(Self.sessionTokenVariable) for temporary credentials)")
        }
        return credentials
    }

    public static func == (a: S3Settings, b: S3Settings) -> Bool {
        a.credentials == b.credentials && a.region == b.region && a.missingCredentials == b.missingCredentials
            && a.endpoint?.url == b.endpoint?.url && a.endpoint?.variable == b.endpoint?.variable
    }
}
