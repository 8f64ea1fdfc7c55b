import Foundation
import Synchronization

/// `PGPASSWORD` is the password of the PostgreSQL STORE, and only of the store: the `sluice`
/// binary takes it out of its environment at start (``takeFromEnvironment()``, before any thread
/// runs), and the store's connections pass it to libpq themselves. A dataset's connection
/// (`postgres://…` in a manifest, whose host anyone who opens a pull request chooses) then has no
/// way to send it to that host: libpq finds a dataset's password in the URI or in the password file
/// (`PGPASSFILE`, `~/.pgpass`), whose lines name the host each password is for.
public enum StorePassword {
    private static let value = Mutex<String?>(nil)

    /// Reads `PGPASSWORD` and removes it from the process's environment.
    /// Call it once, first thing in `main`, while no other thread can read the environment.
    public static func takeFromEnvironment() {
        guard let password = ProcessInfo.processInfo.environment["PGPASSWORD"] else { return }
        value.withLock { $0 = password }
        unsetenv("PGPASSWORD")
    }

    /// The store's password taken from the environment, if any.
    static var current: String? { value.withLock { $0 } }
}
