import Foundation
import SluiceCore
import SluiceLearn
import SluiceMonitor
import SluiceReconcile

extension Monitoring {
    /// The retrain loop's step after a check (`spec.monitor.onBreach: "retrain"`, docs/monitoring.md):
    /// when a breach holds on the version in service, and no retrain of the current training inputs
    /// is still being trained and gated, and the guards allow it (``RetrainGuard``), read the
    /// labelled rows the server logged, freeze them with the previous snapshot's into the next
    /// ``FeedbackSnapshot``, and record it with a `retrain` event. The next reconcile cycle (woken
    /// through ``onRetrain``) then trains a candidate on the dataset and the snapshot, gates it on the
    /// held-out rows with the manifest's gate, and publishes it only if it passes.
    ///
    /// Nothing here trains or publishes: a snapshot in the store is the whole decision, so a
    /// restart in between neither loses it nor takes a second one.
    /// - Returns: the note for the model's monitor state (why no retrain started, or the one that
    ///   did; `nil` when no breach asks for one), the events to record with the state, and the
    ///   retrain to start (``start(_:model:)``, after the state and its breach event are recorded).
    /// - Parameters:
    ///   - unmatched: the labels the server holds for rows it did not log (the window's
    ///     `unmatchedLabels`): they cannot be retrained on, and a note waiting for labels says so.
    ///   - labels: the labels the server's window counts: while it stays the same (and for at most
    ///     an hour), a retrain that waited for labels waits on without reading every row again.
    func retrain(_ m: MonitoredModel, state: MonitorState, previous: MonitorState?, served: String, profile: ReferenceProfile,
                 unmatched: Int = 0, labels: Int? = nil, now: Date, revision: String?) -> (note: String?, events: [EventRecord], start: Start?) {
        guard m.spec.onBreach == .retrain, let breach = state.breaches.first else { return (nil, [], nil) }
        guard let base = m.baseVersion else {
            return ("no automatic retrain: the data of the manifest cannot be read (see the model's condition)", [], nil)
        }
        let records: [FeedbackSnapshotRecord]
        do { records = try store.feedbackSnapshots(model: m.name) } catch {
            return ("no automatic retrain: the store cannot be read: \(error)", [], nil)
        }
        let current = FeedbackSnapshotRecord.current(records, base: [m.name: base])[m.name]
        if let current {
            do {
                if let under = try underWay(current) { return (under, [], nil) }
            } catch {
                return ("no automatic retrain: the store cannot be read: \(error)", [], nil)
            }
        }
        // Only a version of the current training inputs is retrained on its traffic: while another
        // serves (new inputs still training, or their version rejected), a snapshot would be filed
        // under inputs that the served version's columns and rows may not fit.
        do {
            if let other = try trainedFromOtherInputs(served, base: base, model: m.name, records: records) { return (other, [], nil) }
        } catch {
            return ("no automatic retrain: the store cannot be read: \(error)", [], nil)
        }
        let attempts = records.map { RetrainGuard.Attempt(at: $0.createdAt, specDigest: $0.specDigest) }
        let guards = m.spec.retrain
        switch RetrainGuard.decide(attempts: attempts, specDigest: m.specDigest, cooldown: guards.cooldown, maxPerWeek: guards.maxPerWeek, now: now) {
        case .coolingDown(let until):
            return ("cooling down: the next automatic retrain may start at \(Self.iso(until)) (spec.monitor.retrain.cooldown \(Self.text(guards.cooldown)) after the last)", [], nil)
        case .stalled(let count, let last):
            let note = "stalled: \(count) automatic retrain\(count == 1 ? "" : "s") of this manifest within 7 days (spec.monitor.retrain.maxPerWeek \(guards.maxPerWeek)), the last at \(Self.iso(last)); no more until the manifest changes"
            let event = EventRecord(at: now, model: m.name, kind: .stalled, message: "automatic retrains \(note)", revision: revision)
            return (note, previous?.retrain?.hasPrefix("stalled") == true ? [] : [event], nil)
        case .allowed:
            break
        }
        let asBefore = WaitingForLabels(labels: labels, base: base, snapshot: current?.digest, at: now, note: "")
        if let labels, let last = waiting.withLock({ $0[m.name] }), last.labels == labels, last.base == base,
           last.snapshot == current?.digest, now.timeIntervalSince(last.at) < 3_600, now >= last.at {
            return (last.note, [], nil)
        }
        waiting.withLock { $0[m.name] = nil }
        let labelled: [FeedbackSnapshot.Labelled]
        do { labelled = try client.labelledRows(m) } catch {
            return ("no automatic retrain: the labelled rows cannot be read from the server: \(error)", [], nil)
        }
        var before: FeedbackSnapshot?
        if let current {
            do { before = try FeedbackSnapshot.parse(try store.feedbackSnapshot(model: m.name, digest: current.digest)) } catch {
                logger.warning("the previous feedback snapshot cannot be read; the next one starts afresh",
                               metadata: ["model.name": "\(m.name)", "snapshot": "\(current.digest)", "error": "\(error)"])
            }
        }
        // Only rows the dataset's columns can hold: a misspelt label is no new class, and text in a
        // numeric column would fail the training and leave the retrain under way for ever.
        let (sameColumns, otherColumns) = rowsOfSameFeatures(labelled, model: m.name, features: profile.features.map(\.name))
        var usable = LabelledRowCheck.check(sameColumns, profile: profile)
        if otherColumns > 0 {
            usable.leftOut += otherColumns
            usable.example = usable.example ?? "served by a version with other features than version \(VersionIdentity.short(served))'s"
        }
        let (snapshot, fresh) = FeedbackSnapshot.next(previous: before, labelled: usable.kept, features: profile.features.map(\.name),
                                                      target: m.target, holdout: guards.holdout)
        let needed = m.spec.policy.minLabels
        guard fresh >= needed else {
            let unlogged = unmatched > 0
                ? "; \(unmatched) label\(unmatched == 1 ? "" : "s") on the server match no logged row, so no retrain can use them (sluice serve logs every row with --monitor-log-rows 1 and a --monitor-max-rows-per-second above your traffic)"
                : ""
            let note = "waiting for labels: \(fresh) labelled row\(fresh == 1 ? "" : "s") no version trained on; a retrain needs \(needed) (spec.monitor.performance.minLabels)\(usable.summary)\(unlogged)"
            var wait = asBefore
            wait.note = note
            waiting.withLock { $0[m.name] = wait }
            return (note, [], nil)
        }
        let csv = snapshot.csv()
        // What is recorded must read back as it is, or every cycle would fail to train on it.
        guard (try? FeedbackSnapshot.parse(csv)) == snapshot else {
            logger.error("a feedback snapshot does not read back as it was written; nothing is recorded", metadata: ["model.name": "\(m.name)"])
            return ("no automatic retrain: the feedback snapshot does not read back as it was written (a defect of sluice: please report it); nothing was recorded", [], nil)
        }
        let digest = SHA256.hex(of: csv)
        // The same rows as a snapshot taken for other training inputs, or one a person dropped (the
        // store keeps one record per digest): nothing new to retrain on until another labelled row comes.
        if let same = records.first(where: { $0.digest == digest }) {
            let which = same.droppedAt.map { "dropped at \(Self.iso($0)) (sluice feedback drop)" }
                ?? "taken at \(Self.iso(same.createdAt)) for other training inputs"
            return ("waiting for labels: the \(fresh) labelled rows are those of feedback snapshot \(digest.prefix(8))…, \(which); a retrain starts once a labelled row it did not hold comes\(usable.summary)", [], nil)
        }
        let short = VersionIdentity.short(served)
        let trigger = "\(breach.condition.kind.rawValue) (\(breach.condition.reason.rawValue)) on version \(short) since \(Self.iso(breach.since)): \(breach.condition.message)"
        let record = FeedbackSnapshotRecord(
            model: m.name, digest: digest, baseVersion: base, specDigest: m.specDigest, servedVersion: served, trigger: trigger,
            trainRows: snapshot.trainRows, holdoutRows: snapshot.holdoutRows, freshRows: fresh, createdAt: now, revision: revision)
        let event = EventRecord(at: now, model: m.name, kind: .retrain, message: Redaction.text(
            "\(trigger); retraining on feedback snapshot \(digest.prefix(8))… (\(snapshot.trainRows) labelled rows to train on beside the dataset, \(snapshot.holdoutRows) held-out rows, never trained on, to gate the candidate and the champion on)\(usable.summary)"),
            revision: revision)
        return ("retrain started at \(Self.iso(now)) on feedback snapshot \(digest.prefix(8))…\(usable.summary)", [],
                Start(record: record, csv: csv, event: event))
    }

    /// A retrain to start: the snapshot to record, with its event.
    struct Start {
        var record: FeedbackSnapshotRecord
        var csv: [UInt8]
        var event: EventRecord
    }

    /// Starts a retrain: records its snapshot and event, and wakes the reconcile loop.
    /// - Returns: the note for the monitor state when it cannot be recorded.
    func start(_ start: Start, model: String) -> String? {
        do { try store.recordFeedbackSnapshot(start.record, csv: start.csv, events: [start.event]) } catch {
            return "no automatic retrain: the feedback snapshot cannot be recorded: \(error)"
        }
        logger.notice("\(start.event.message)", metadata: ["model.name": "\(model)", "event.kind": "\(EventKind.retrain.rawValue)"])
        onRetrain.withLock { $0 }?("a breach started an automatic retrain of \(model)")
        return nil
    }

    /// Why no retrain may start while `served` serves: it was not trained from the training inputs
    /// `base` (neither their version nor one trained on a snapshot of them); `nil` when it was.
    private func trainedFromOtherInputs(_ served: String, base: String, model: String, records: [FeedbackSnapshotRecord]) throws -> String? {
        if served == base { return nil }
        if let digest = try store.version(model: model, id: served)?.feedbackDigest,
           records.contains(where: { $0.digest == digest && $0.baseVersion == base }) {
            return nil
        }
        return "no automatic retrain: version \(VersionIdentity.short(served)) in service was trained from other training inputs than the manifest's now; the reconcile loop replaces it with a version of these inputs, or the model's condition says why not"
    }

    /// The labelled rows served by versions whose features are `features` (by name, in order), and
    /// how many were served by versions with others: the row log keeps values by position, named by
    /// the features of the version in service, so such rows would put values under wrong names.
    /// Rows whose version the server does not say, or the store does not know, are kept.
    private func rowsOfSameFeatures(_ rows: [FeedbackSnapshot.Labelled], model: String, features: [String]) -> ([FeedbackSnapshot.Labelled], Int) {
        var same: [String: Bool] = [:]
        var kept: [FeedbackSnapshot.Labelled] = []
        kept.reserveCapacity(rows.count)
        for r in rows {
            guard let version = r.version else { kept.append(r); continue }
            let fits: Bool
            if let known = same[version] { fits = known } else {
                fits = self.features(model: model, version: version).map { $0 == features } ?? true
                same[version] = fits
            }
            if fits { kept.append(r) }
        }
        return (kept, rows.count - kept.count)
    }

    /// The feature names of a version's artifact; `nil` when the store has no such version or its
    /// artifact cannot be read.
    private func features(model: String, version: String) -> [String]? {
        guard let record = try? store.version(model: model, id: version) else { return nil }
        let digest = record.artifactDigest
        if let cached = featureNames.withLock({ $0[digest] }) { return cached }
        let names = (try? ModelArtifact.decode(try store.artifact(digest), expectedDigest: digest))?.encoder.features.map(\.name)
        featureNames.withLock { $0[digest] = .some(names) }
        return names
    }

    /// Why the version trained on `snapshot` is still under way (not trained, or not gated), or `nil`
    /// when it was decided: a new retrain waits for the last one.
    private func underWay(_ snapshot: FeedbackSnapshotRecord) throws -> String? {
        let short = "\(snapshot.digest.prefix(8))…"
        guard let version = try store.versions(model: snapshot.model).last(where: { $0.feedbackDigest == snapshot.digest }) else {
            var note = "retrain under way: feedback snapshot \(short), taken at \(Self.iso(snapshot.createdAt)), is not trained yet"
            // A cycle since that could not train it: say why (the loop retries; a person may have to act).
            if let failed = try store.conditions().first(where: {
                $0.model == snapshot.model && $0.condition == Condition.failed.rawValue && $0.checkedAt >= snapshot.createdAt
            }) {
                note += "; the last cycle could not train it: \(failed.message)"
            }
            return note
        }
        guard try store.verdicts(model: snapshot.model).contains(where: { $0.version == version.id }) else {
            return "retrain under way: version \(VersionIdentity.short(version.id)), trained on feedback snapshot \(short), is not gated yet"
        }
        return nil
    }

    /// A retrain that waited for labels, and what the server's window counted then.
    struct WaitingForLabels: Sendable {
        var labels: Int?
        var base: String
        var snapshot: String?
        var at: Date
        var note: String
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
