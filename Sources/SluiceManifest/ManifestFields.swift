/// The field names of each object of the manifest format. The decoder and the JSON Schema both
/// read these lists, so the schema names exactly the fields the decoder accepts.
public enum ManifestFields {
    public static let root = ["apiVersion", "kind", "metadata", "spec"]
    public static let metadata = ["name", "labels"]
    public static let spec = ["task", "dataset", "algorithm", "gate", "deploy", "suspend", "retired", "monitor"]
    public static let dataset = ["source", "target", "features", "split", "test", "sha256", "testSha256", "query"]
    public static let split = ["method", "testFraction", "testSize", "seed", "stratify"]
    public static let algorithm = ["name", "params"]
    public static let gateRule = ["min", "max", "maxRegression"]
    public static let directoryDeploy = ["target", "path", "formats"]
    public static let httpDeploy = ["target", "url", "tokenEnv", "formats"]
    public static let s3Deploy = ["target", "url", "formats"]
    public static let deployTargets = ["directory", "http", "s3"]
    public static let monitor = ["server", "interval", "window", "minSamples", "persistFor", "drift", "prediction", "quality",
                                 "performance", "onBreach", "retrain"]
    public static let monitorDrift = ["method", "warn", "breach", "share"]
    public static let monitorPrediction = ["breach"]
    public static let monitorQuality = ["missingIncrease", "unknownShare"]
    public static let monitorPerformance = ["minLabels", "maxDegradation"]
    public static let monitorRetrain = ["cooldown", "maxPerWeek", "holdout"]
    /// The pattern of `metadata.name`: a DNS label.
    public static let namePattern = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
    /// The pattern of a `sha256` pin.
    public static let sha256Pattern = "^[0-9a-f]{64}$"
    /// The pattern of an environment variable name.
    public static let envPattern = "^[A-Za-z_][A-Za-z0-9_]*$"

    /// Whether `s` is a valid model name (``namePattern``): a DNS label of lower-case letters,
    /// digits and '-', starting and ending with a letter or digit, at most 63 characters.
    public static func isModelName(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alnum(_ b: UInt8) -> Bool { (97...122).contains(b) || (48...57).contains(b) }
        return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == 45 }
    }
}
