import Foundation
import Synchronization
import Logging
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile
import SluiceSystem

/// Where a champion's artifact comes from: the store, or a deployment target's files.
public struct ChampionSource: Sendable {
    public var version: String
    public var digest: String
    /// "store", or the target it was read from.
    public var origin: String
    public var load: @Sendable () throws -> [UInt8]

    public init(version: String, digest: String, origin: String, load: @escaping @Sendable () throws -> [UInt8]) {
        self.version = version
        self.digest = digest
        self.origin = origin
        self.load = load
    }
}
