/// Where a model is published.
public enum DeploySpec: Sendable, Equatable, Hashable {
    /// `<path>/model.json` and `<path>/metadata.json`; a relative path resolves against the root.
    case directory(path: String)
    /// An Open Inference Protocol repository endpoint; the bearer token is read from `tokenEnv`.
    case http(url: String, tokenEnv: String?)
    /// `<url>/model.json` and `<url>/metadata.json` in an S3-compatible bucket (`s3://BUCKET/PREFIX`);
    /// credentials and `AWS_ENDPOINT_URL` come from the environment.
    case s3(url: String)

    /// A short human description ("directory deploy/iris").
    public var summary: String {
        switch self {
        case .directory(let path): "directory \(path)"
        case .http(let url, _): "http \(url)"
        case .s3(let url): "s3 \(url)"
        }
    }
}
