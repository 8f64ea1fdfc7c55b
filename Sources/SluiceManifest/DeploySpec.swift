/// Where a model is published.
public enum DeploySpec: Sendable, Equatable, Hashable {
    /// `<path>/model.json` and `<path>/metadata.json`; a relative path resolves against the root.
    case directory(path: String)
    /// An Open Inference Protocol repository endpoint; the bearer token is read from `tokenEnv`.
    case http(url: String, tokenEnv: String?)

    /// A short human description ("directory deploy/iris").
    public var summary: String {
        switch self {
        case .directory(let path): "directory \(path)"
        case .http(let url, _): "http \(url)"
        }
    }
}
