import Foundation
import Hummingbird
import NIOCore
import SluiceCore
import SluiceMonitor
import SluiceServe

extension InferenceServer {
    /// How long the monitor route waits for the writer to count the rows answered before it (it answers
    /// with what is counted when the writer is slower).
    static let monitorSyncSeconds = 2.0

    /// The recorder, or 404 saying monitoring is off.
    private func recorder() throws -> MonitorRecorder {
        guard let monitor else {
            throw ServeError(404, "monitoring is off (sluice serve --no-monitor); restart sluice serve without --no-monitor to record and report")
        }
        return monitor
    }

    /// `POST /v2/models/{name}/feedback`: checks every item, then stores them all in one transaction
    /// and answers 202 `{"accepted": n}` once it has committed.
    func feedback(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let monitor = try recorder()
        let model = try resolve(context, versioned: false)
        guard model.artifact.reference != nil else { throw MonitorRecorder.untracked(model) }
        try checkDeclaredLength(request)
        let body = try await request.body.collect(upTo: options.maxBodySize)
        let items = try FeedbackItem.parse(Array(body.readableBytesView), model: model)
        do { try await monitor.addFeedback(model: model.name, items: items) } catch {
            context.logger.error("cannot store feedback", metadata: ["model": "\(model.name)", "error": "\(error)"])
            throw ServeError(500, "cannot store the feedback: \(error); nothing of this batch was stored, send it again")
        }
        return JSONResponse.bytes(202, JSON.object(["accepted": .number(Double(items.count))]).canonicalBytes())
    }

    /// `GET /v2/models/{name}/monitor?window=24h&metric=…`: ``MonitorWindow``'s JSON for the version in
    /// service, judged with the default ``MonitorPolicy`` (its metric replaced by `metric`), plus
    /// `unmatchedLabels`, `dropped` and `duplicateIds`.
    func monitorWindow(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let monitor = try recorder()
        let model = try resolve(context, versioned: false)
        guard let profile = model.artifact.reference else { throw MonitorRecorder.untracked(model) }
        var seconds = 86_400.0
        if let text = request.uri.queryParameters["window"] {
            do { seconds = try DurationText.seconds(String(text)) } catch {
                throw ServeError(400, "window=\(text): \(error.description)")
            }
            guard seconds > 0 else { throw ServeError(400, "window=\(text): must be a positive duration (e.g. 24h)") }
        }
        var policy = MonitorPolicy()
        if let metric = request.uri.queryParameters["metric"].map(String.init) {
            let known = LabelledStats(classes: profile.classes.count).metricNames
            guard known.contains(metric) else {
                throw ServeError(400, "metric=\(metric): model \(model.name) reports \(known.joined(separator: ", "))")
            }
            policy.metric = metric
        }
        _ = await monitor.sync(timeout: Self.monitorSyncSeconds)
        let metric = policy.metric
        // SQLite reads block their thread: they run on a pool of their own, not where requests are answered.
        let reading = try await InferenceWork.monitorReads.blocking { [seconds] in try monitor.window(model: model, seconds: seconds, metric: metric) }
        guard case .object(var o) = reading.window.json(profile: profile, policy: policy) else { preconditionFailure("a window is an object") }
        o["unmatchedLabels"] = .number(Double(reading.unmatchedLabels))
        o["dropped"] = .number(Double(reading.dropped))
        o["duplicateIds"] = .number(Double(reading.duplicateIDs))
        return JSONResponse.bytes(200, JSON.object(o).canonicalBytes())
    }

    /// `GET /v2/models/{name}/monitor/rows?labelled=true&since=…&limit=…`: the logged rows of the model as JSON
    /// lines (see ``MonitorRecorder/loggedRows(model:since:labelledOnly:limit:)``), for retraining on labelled
    /// traffic. They hold raw inputs, so when the server has a repository API token this route needs it too.
    func monitorRows(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let monitor = try recorder()
        if options.token != nil { try authorize(request) }
        let model = try resolve(context, versioned: false)
        guard model.artifact.reference != nil else { throw MonitorRecorder.untracked(model) }
        let query = request.uri.queryParameters
        var since = 0.0
        if let text = query["since"].map(String.init) {
            if let d = Double(text), d.isFinite { since = d } else if let date = ISO8601DateFormatter().date(from: text) {
                since = date.timeIntervalSince1970
            } else {
                throw ServeError(400, "since=\(text): give Unix seconds or an ISO 8601 time (2026-12-01T06:00:00Z)")
            }
        }
        var labelledOnly = false
        if let text = query["labelled"].map(String.init) {
            guard let b = Bool(text) else { throw ServeError(400, "labelled=\(text): give true or false") }
            labelledOnly = b
        }
        var limit = MonitorRecorder.maxLoggedRows
        if let text = query["limit"].map(String.init) {
            guard let n = Int(text), (1...MonitorRecorder.maxLoggedRows).contains(n) else {
                throw ServeError(400, "limit=\(text): give a number of rows from 1 to \(MonitorRecorder.maxLoggedRows)")
            }
            limit = n
        }
        _ = await monitor.sync(timeout: Self.monitorSyncSeconds)
        let body = try await InferenceWork.monitorReads.blocking { [since, labelledOnly, limit] in
            try monitor.loggedRows(model: model, since: since, labelledOnly: labelledOnly, limit: limit)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
