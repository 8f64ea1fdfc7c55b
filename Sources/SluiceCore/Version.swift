/// The version of Sluice: what `sluice --version` prints and `GET /v2` reports (one constant,
/// so the two cannot disagree).
public let sluiceVersion = "0.5.0"
