import Dispatch
import Synchronization

extension Array where Element: Sendable {
    /// `map` on all cores, in chunks; the results keep the order of the elements, so the outcome
    /// is the same as a sequential `map` whenever `transform` is pure.
    /// - Parameter chunk: elements per task; small arrays are mapped on the calling thread.
    public func parallelMap<T: Sendable>(chunk: Int = 256, _ transform: @Sendable (Element) -> T) -> [T] {
        let chunks = (count + chunk - 1) / chunk
        guard chunks > 1 else { return map(transform) }
        let parts = Mutex([[T]](repeating: [], count: chunks))
        withoutActuallyEscaping(transform) { transform in
            let work = { @Sendable (c: Int) in
                let part = self[(c * chunk)..<Swift.min(count, (c + 1) * chunk)].map(transform)
                parts.withLock { $0[c] = part }
            }
            DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
        }
        return parts.withLock { $0.flatMap { $0 } }
    }
}
