import Foundation
import HTTPTypes
import Testing
import SluiceCore
import SluiceLearn
import SluiceMonitor
@testable import SluiceServe

/// `POST /v2/models/{name}/feedback`, `GET /v2/models/{name}/monitor`, generated request ids and the
/// monitor's metrics, in process on real SQLite files.
@Suite struct MonitorRouteTests {
    static let rows = MonitorRecorderTests.rows(12)

    func infer(_ s: MonitoredServer, _ rows: [[Double]] = rows, id: String?, model: String = "iris") async throws -> InProcessClient.Response {
        let r = try await s.client.post("/v2/models/\(model)/infer", json: MonitorFixtures.irisRequest(rows, id: id))
        #expect(r.status == 200, "\(r.text)")
        return r
    }

    func feedback(_ s: MonitoredServer, _ items: [JSON], model: String = "iris") async throws -> InProcessClient.Response {
        try await s.client.post("/v2/models/\(model)/feedback", json: ["items": .array(items)])
    }

    func window(_ s: MonitoredServer, query: String = "", model: String = "iris") async throws -> (JSON, MonitorWindow) {
        let r = try await s.client.get("/v2/models/\(model)/monitor\(query)")
        #expect(r.status == 200, "\(r.text)")
        let profile = try #require(s.repository.model(model)?.artifact.reference)
        return (r.json, try MonitorWindow(json: r.json, profile: profile))
    }

    @Test func labelsJoinWhetherTheyArriveBeforeOrAfterThePrediction() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        let truth = IrisRows.expected(Self.rows, artifact: MonitorFixtures.iris).map(\.label)
        // Before: labels for rows 0–5 of a request not yet answered.
        let early = try await feedback(s, (0..<6).map { ["id": "req-1", "row": .number(Double($0)), "truth": truth[$0]] })
        #expect(early.status == 202, "\(early.text)")
        #expect(early.json == ["accepted": 6])
        _ = try await infer(s, id: "req-1")
        // After: rows 6–11, the last one wrong on purpose.
        var late = (6..<11).map { ["id": "req-1", "row": .number(Double($0)), "truth": truth[$0]] as JSON }
        let other = MonitorFixtures.iris.target.classes.first { .string($0) != truth[11] }!
        late.append(["id": "req-1", "row": 11, "truth": .string(other)])
        #expect(try await feedback(s, late).status == 202)
        let (json, window) = try await window(s)
        #expect(window.stats.rows == 12)
        #expect(window.stats.labelled.labelled == 12)
        #expect(window.stats.labelled.metric("accuracy")?.value == 11.0 / 12)
        #expect(json["unmatchedLabels"] == 0)
        #expect(json["report"]?["labelled"] == 12)
        #expect(window.version == "v-iris-1")
    }

    @Test func aGeneratedIDIsEchoedAndItsRowsCanBeLabelled() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        let r = try await infer(s, Array(Self.rows.prefix(2)), id: nil)
        let id = try #require(r.json["id"]?.stringValue)
        #expect(UUID(uuidString: id) != nil, "a UUID: \(id)")
        let truth = IrisRows.expected(Array(Self.rows.prefix(2)), artifact: MonitorFixtures.iris).map(\.label)
        #expect(try await feedback(s, [["id": .string(id), "row": 0, "truth": truth[0]], ["id": .string(id), "row": 1, "truth": truth[1]]]).status == 202)
        #expect(try await window(s).1.stats.labelled.labelled == 2)
    }

    @Test func aLabelCountsForTheVersionThatServedTheRow() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        let v1 = try #require(s.repository.model("iris"))
        _ = try await infer(s, id: "served-by-v1")
        try ServeFixtures.publish(MonitorFixtures.iris2, name: "iris", version: "v-iris-2", in: "\(s.directory)/iris")
        s.repository.scan()
        #expect(s.repository.model("iris")?.version == "v-iris-2")
        _ = try await infer(s, Array(Self.rows.prefix(3)), id: "served-by-v2")
        let items: [JSON] = (0..<12).map { ["id": "served-by-v1", "row": .number(Double($0)), "truth": "setosa"] }
            + (0..<3).map { ["id": "served-by-v2", "row": .number(Double($0)), "truth": "setosa"] }
        #expect(try await feedback(s, items).status == 202)
        let (_, current) = try await window(s)
        #expect(current.version == "v-iris-2")
        #expect(current.stats.rows == 3)
        #expect(current.stats.labelled.labelled == 3)
        let old = try s.monitor.window(model: v1, seconds: 86_400)
        #expect(old.window.stats.rows == 12)
        #expect(old.window.stats.labelled.labelled == 12)
    }

    @Test func aReusedRequestIDKeepsTheFirstLoggedRowAndIsCounted() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        let v1 = try #require(s.repository.model("iris"))
        _ = try await infer(s, Array(Self.rows.prefix(3)), id: "same")
        _ = try await window(s)
        try ServeFixtures.publish(MonitorFixtures.iris2, name: "iris", version: "v-iris-2", in: "\(s.directory)/iris")
        s.repository.scan()
        // The same id again, from the next version: its rows are counted, but the rows logged first stay.
        _ = try await infer(s, Array(Self.rows.prefix(3)), id: "same")
        #expect(try await feedback(s, (0..<3).map { ["id": "same", "row": .number(Double($0)), "truth": "setosa"] }).status == 202)
        let (json, current) = try await window(s)
        #expect(current.version == "v-iris-2")
        #expect(current.stats.rows == 3)
        #expect(current.stats.labelled.labelled == 0, "the labels stay with the version that served the rows first")
        #expect(json["duplicateIds"] == 3)
        #expect(try s.monitor.window(model: v1, seconds: 86_400).window.stats.labelled.labelled == 3)
        let auth = try await s.client.get("/v2/models/iris/monitor/rows")
        #expect(auth.text.split(separator: "\n").count == 3)
        #expect(auth.text.contains("v-iris-1") && !auth.text.contains("v-iris-2"), "\(auth.text)")
        let metrics = try await s.client.get("/metrics").text
        #expect(metrics.contains(#"sluice_monitor_duplicate_rows_total{model="iris"} 3"#), "\(metrics)")
    }

    @Test func regressorsGetErrorSums() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        let body: JSON = ["id": "q", "inputs": [["name": "input-0", "shape": [2, 2], "datatype": "FP64", "data": [1, 2, 3, 4]]]]
        let r = try await s.client.post("/v2/models/ridge/infer", json: body)
        #expect(r.status == 200, "\(r.text)")
        let data = r.json["outputs"]?[0]?["data"]?.arrayValue ?? []
        let predicted = data.compactMap(\.doubleValue)
        try #require(predicted.count == 2)
        #expect(try await feedback(s, [["id": "q", "row": 0, "truth": 0.5], ["id": "q", "row": 1, "truth": 2.5]], model: "ridge").status == 202)
        let (_, window) = try await window(s, query: "?window=1h&metric=mae", model: "ridge")
        #expect(window.stats.labelled.count == 2)
        let mae = (abs(0.5 - predicted[0]) + abs(2.5 - predicted[1])) / 2
        #expect(abs((window.stats.labelled.metric("mae")?.value ?? -1) - mae) < 1e-12)
    }

    @Test(arguments: [
        (#"{"items": [{"id": "a", "truth": "setosa"},"#, 400, "not valid JSON"),
        (#"["id"]"#, 400, "\"items\""),
        (#"{"items": []}"#, 400, "\"items\" is empty"),
        (#"{"items": [{"id": "a", "truth": "setosa"}, {"row": 0, "truth": "setosa"}]}"#, 400, "items[1].id"),
        (#"{"items": [{"id": "a", "truth": "setosa"}, {"id": "", "truth": "setosa"}]}"#, 400, "items[1].id"),
        (#"{"items": [{"id": "a", "row": -1, "truth": "setosa"}]}"#, 400, "items[0].row"),
        (#"{"items": [{"id": "a", "row": 0.5, "truth": "setosa"}]}"#, 400, "items[0].row"),
        (#"{"items": [{"id": "a"}]}"#, 400, "items[0].truth is missing"),
        (#"{"items": [{"id": "a", "truth": true}]}"#, 400, "items[0].truth must be a class label"),
        (#"{"items": [{"id": "a", "truth": "setosa", "ts": "yesterday"}]}"#, 400, "items[0].ts"),
        (#"{"items": ["a"]}"#, 400, "items[0] must be an object"),
        (#"{"items": [{"id": "a", "truth": "setosa"}, {"id": "\#(String(repeating: "i", count: 257))", "truth": "setosa"}]}"#, 400,
         "items[1].id is 257 bytes"),
        (#"{"items": [{"id": "a", "truth": "\#(String(repeating: "t", count: 1025))"}]}"#, 400, "items[0].truth is a string of 1025 bytes"),
        (#"{"items": [{"id": "a", "truth": 1e151}]}"#, 400, "items[0].truth 1e+151"),
    ])
    func badFeedbackIsRefusedWholeNamingTheItem(body: String, status: Int, message: String) async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        let r = try await s.client.request(.post, "/v2/models/iris/feedback", body: Array(body.utf8))
        #expect(r.status == status, "\(r.text)")
        #expect(r.error?.contains(message) == true, "\(r.text)")
        #expect(try await window(s).0["unmatchedLabels"] == 0, "nothing of a refused batch is stored")
    }

    @Test func feedbackOfTheWrongTypeForARegressorIsRefused() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        let r = try await feedback(s, [["id": "a", "truth": 1], ["id": "a", "row": 1, "truth": "1.5"]], model: "ridge")
        #expect(r.status == 400)
        #expect(r.error?.contains("items[1].truth must be a number for model ridge") == true, "\(r.text)")
    }

    @Test func aRegressorsTruthMustKeepItsSquaredErrorFinite() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        for (i, value) in [1e151, -1e200].enumerated() {
            let r = try await feedback(s, [["id": "a", "truth": 1], ["id": "a", "row": 1, "truth": .number(value)]], model: "ridge")
            #expect(r.status == 400, "\(i): \(r.text)")
            #expect(r.error?.contains("items[1].truth \(JSON.format(value))") == true, "\(r.text)")
        }
        let limit = try await feedback(s, [["id": "a", "truth": .number(-1e150)]], model: "ridge")
        #expect(limit.status == 202, "the limit itself is accepted: \(limit.text)")
        #expect(try await window(s, model: "ridge").0["unmatchedLabels"] == 1, "nothing of the refused batches was stored")
    }

    @Test func aLabelThatIsNoClassIsAcceptedAndCountedAsUnknown() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        _ = try await infer(s, Array(Self.rows.prefix(1)), id: "u")
        #expect(try await feedback(s, [["id": "u", "row": 0, "truth": "dandelion"]]).status == 202)
        let (json, window) = try await window(s)
        #expect(window.stats.labelled.unknownTruth == 1)
        #expect(json["stats"]?["labelled"]?["unknownTruth"] == 1)
    }

    @Test func hugeBatchesUnknownModelsAndModelsWithoutAProfile() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        let huge = try await feedback(s, (0...FeedbackItem.maxItems).map { ["id": .string("r\($0)"), "truth": "setosa"] })
        #expect(huge.status == 413)
        #expect(huge.error?.contains("split it") == true, "\(huge.text)")
        let unknown = try await feedback(s, [["id": "a", "truth": "x"]], model: "nosuch")
        #expect(unknown.status == 404)
        let untracked = try await feedback(s, [["id": "a", "truth": 1]], model: "mixed")
        #expect(untracked.status == 409)
        #expect(untracked.error?.contains("version v-mixed-1 was trained before monitoring") == true, "\(untracked.text)")
        let monitor = try await s.client.get("/v2/models/mixed/monitor")
        #expect(monitor.status == 409)
        #expect(monitor.error?.contains("retrain it to monitor it") == true, "\(monitor.text)")
        // Unprofiled models are still served as before.
        let mixed = try await s.client.post("/v2/models/mixed/infer", json: [
            "inputs": [["name": "a", "shape": [1], "datatype": "FP64", "data": [1]], ["name": "b", "shape": [1], "datatype": "FP64", "data": [2]],
                       ["name": "colour", "shape": [1], "datatype": "BYTES", "data": ["red"]]]])
        #expect(mixed.status == 200, "\(mixed.text)")
        let badWindow = try await s.client.get("/v2/models/iris/monitor?window=soon")
        #expect(badWindow.status == 400)
        #expect(badWindow.error?.contains("window=soon") == true, "\(badWindow.text)")
        let badMetric = try await s.client.get("/v2/models/iris/monitor?metric=rmse")
        #expect(badMetric.status == 400)
        #expect(badMetric.error?.contains("accuracy") == true, "\(badMetric.text)")
    }

    @Test func withMonitoringOffTheRoutesSaySoAndNoIDIsMadeUp() async throws {
        let s = try Served(publish: false)
        defer { s.remove() }
        try ServeFixtures.publish(MonitorFixtures.iris, name: "iris", version: "v1", in: "\(s.directory)/iris")
        s.repository.scan()
        let r = try await s.client.post("/v2/models/iris/infer", json: MonitorFixtures.irisRequest(Self.rows))
        #expect(r.status == 200)
        #expect(r.json["id"] == nil)
        for path in ["/v2/models/iris/monitor"] {
            let m = try await s.client.get(path)
            #expect(m.status == 404)
            #expect(m.error?.contains("--no-monitor") == true, "\(m.text)")
        }
        #expect(try await s.client.post("/v2/models/iris/feedback", json: ["items": [["id": "a", "truth": "setosa"]]]).status == 404)
    }

    @Test func withTheWriterStalledInferenceAnswersAndDropsAreCounted() async throws {
        let gate = Gate()
        let s = try MonitoredServer(options: { $0.queueCapacity = 5 }, hooks: MonitorFixtures.hooks(beforeDrain: { gate.wait() }))
        defer { s.remove() }
        for i in 0..<10 {
            // Every request completes although the writer takes nothing from the queue.
            _ = try await infer(s, Array(Self.rows[i..<(i + 3)]), id: "b\(i)")
        }
        let metrics = try await s.client.get("/metrics").text
        #expect(metrics.contains(#"sluice_monitor_dropped_total{model="iris"} 27"#), "\(metrics)")
        #expect(metrics.contains("sluice_monitor_queue_depth 3.0"), "\(metrics)")
        gate.open()
        let (json, window) = try await window(s)
        #expect(window.stats.rows == 3)
        #expect(json["dropped"] == 27)
        #expect(try await s.client.get("/metrics").text.contains("sluice_monitor_flush_seconds"))
    }

    @Test func theMonitorDirectoryIsNotAModel() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        _ = try await infer(s, id: "x")
        _ = try await window(s)
        s.repository.scan()
        #expect(s.repository.statuses.map(\.name) == ["iris", "mixed", "ridge"])
    }

    @Test func loggedRowsComeBackAsJSONLinesWithTheirLabels() async throws {
        let s = try MonitoredServer(token: "t0ken")
        defer { s.remove() }
        _ = try await infer(s, Array(Self.rows.prefix(3)), id: "a")
        #expect(try await feedback(s, [["id": "a", "row": 1, "truth": "virginica"]]).status == 202)
        let auth: HTTPFields = [.authorization: "Bearer t0ken"]
        #expect(try await s.client.get("/v2/models/iris/monitor/rows").status == 401, "raw inputs need the token when there is one")
        let all = try await s.client.get("/v2/models/iris/monitor/rows", headers: auth)
        #expect(all.status == 200, "\(all.text)")
        #expect(all.headers[.contentType] == "application/x-ndjson")
        let lines = all.text.split(separator: "\n").map { try! JSONParser.parse(Array($0.utf8)).value }
        #expect(lines.map { $0["row"] } == [0, 1, 2])
        #expect(lines[0]["features"]?["sepal_length"] == .number(Self.rows[0][0]))
        #expect(lines[0]["version"] == "v-iris-1")
        let labelled = try await s.client.get("/v2/models/iris/monitor/rows?labelled=true&since=0&limit=10", headers: auth)
        let only = labelled.text.split(separator: "\n").map { try! JSONParser.parse(Array($0.utf8)).value }
        #expect(only.count == 1)
        #expect(only.first?["truth"] == "virginica")
        #expect(only.first?["id"] == "a")
        let later = try await s.client.get("/v2/models/iris/monitor/rows?since=\(Int(MonitorFixtures.now) + 1)", headers: auth)
        #expect(later.status == 200)
        #expect(later.body.isEmpty)
        let bad = try await s.client.get("/v2/models/iris/monitor/rows?limit=0", headers: auth)
        #expect(bad.status == 400)
        #expect(bad.error?.contains("limit=0") == true, "\(bad.text)")
    }

    @Test func aHugeTextValueIsCutInTheRowLog() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        try ServeFixtures.publish(ServeFixtures.mixed, name: "shop", version: "v-shop-1", in: "\(s.directory)/shop")
        s.repository.scan()
        let huge = String(repeating: "r", count: 100_000)
        let r = try await s.client.post("/v2/models/shop/infer", json: [
            "id": "h",
            "inputs": [["name": "colour", "shape": [1], "datatype": "BYTES", "data": [.string(huge)]],
                       ["name": "b", "shape": [1], "datatype": "FP64", "data": [1]], ["name": "a", "shape": [1], "datatype": "FP64", "data": [2]]]])
        #expect(r.status == 200, "\(r.text)")
        let rows = try await s.client.get("/v2/models/shop/monitor/rows")
        let line = try JSONParser.parse(Array(rows.text.split(separator: "\n").first.map { Array($0.utf8) } ?? [])).value
        #expect(line["features"]?["colour"] == .string(String(repeating: "r", count: 1_024)))
        #expect(line["features"]?["a"] == 2)
        #expect(try await window(s, model: "shop").1.stats.unknown.reduce(0, +) == 1, "the row is counted with its whole value")
    }

    @Test func manyRequestsInFlightAreCountedExactly() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await s.client.post("/v2/models/iris/infer", json: MonitorFixtures.irisRequest(Array(Self.rows[(i % 10)..<(i % 10 + 2)]), id: "c\(i)")).status
                }
            }
            for try await status in group { #expect(status == 200) }
        }
        let (json, window) = try await window(s)
        #expect(window.stats.rows == 400)
        #expect(json["dropped"] == 0)
    }

    @Test func perFeatureInputsAndUnknownCategoriesAreCountedAsSent() async throws {
        let s = try MonitoredServer()
        defer { s.remove() }
        let artifact = ServeFixtures.mixed
        let profile = try #require(artifact.reference, "the trainer writes a reference profile")
        try ServeFixtures.publish(artifact, name: "shop", version: "v-shop-1", in: "\(s.directory)/shop")
        s.repository.scan()
        let r = try await s.client.post("/v2/models/shop/infer", json: [
            "id": "p",
            "inputs": [["name": "colour", "shape": [3, 1], "datatype": "BYTES", "data": ["red", "purple", "blue"]],
                       ["name": "b", "shape": [3], "datatype": "FP64", "data": [1, 2, 3]],
                       ["name": "a", "shape": [3, 1], "datatype": "FP64", "data": [4, 5, 6]]]])
        #expect(r.status == 200, "\(r.text)")
        let predicted = (r.json["outputs"]?[0]?["data"]?.arrayValue ?? []).compactMap(\.doubleValue)
        try #require(predicted.count == 3)
        var expected = WindowStats(profile: profile)
        let names = artifact.encoder.features.map(\.name)
        for (i, (a, b, colour)) in [(4.0, 1.0, "red"), (5, 2, "purple"), (6, 3, "blue")].enumerated() {
            let byName: [String: RowObservation.Value] = ["a": .number(a), "b": .number(b), "colour": .category(colour, known: colour != "purple")]
            expected.add(RowObservation(values: names.map { byName[$0]! }, prediction: .value(predicted[i])), profile: profile)
        }
        let (_, window) = try await window(s, model: "shop")
        #expect(window.stats == expected)
        #expect(window.stats.unknown[try #require(names.firstIndex(of: "colour"))] == 1)
    }
}
