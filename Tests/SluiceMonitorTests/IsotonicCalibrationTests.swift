import SluiceCore
import SluiceMonitor
import Testing

@Suite("Isotonic calibration")
struct IsotonicCalibrationTests {
    @Test("knots and clipped predictions match IsotonicRegression(out_of_bounds=\"clip\")")
    func matchesScikitLearn() throws {
        for case let item in Fixtures.json["isotonic"]!.arrayValue! {
            let name = item["name"]!.stringValue!
            let map = try IsotonicCalibration(scores: Fixtures.doubles(item["scores"]), outcomes: Fixtures.doubles(item["outcomes"]))
            #expect(map.xs == Fixtures.doubles(item["knotsX"]), "\(name)")
            #expect(close(map.ys, Fixtures.doubles(item["knotsY"])), "\(name)")
            let predictions = Fixtures.doubles(item["queries"]).map(map.predict)
            #expect(close(predictions, Fixtures.doubles(item["predictions"])), "\(name)")
        }
    }

    @Test("more than 64 knots are thinned to 64 that stay non-decreasing and keep both ends")
    func knotCap() throws {
        // A strictly increasing target: every distinct score is a knot.
        let scores = (0..<500).map { Double($0) / 500 }
        let map = try IsotonicCalibration(scores: scores, outcomes: scores.map { $0 * $0 })
        #expect(map.xs.count == IsotonicCalibration.maxKnots)
        #expect(map.xs.first == 0 && map.xs.last == scores.last)
        #expect(zip(map.ys, map.ys.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(abs(map.predict(0.5) - 0.25) < 1e-3)
    }

    @Test("a single distinct score predicts its mean everywhere")
    func constant() throws {
        let map = try IsotonicCalibration(scores: [0.7, 0.7, 0.7, 0.7], outcomes: [1, 0, 1, 1])
        #expect(map.xs == [0.7])
        #expect(map.predict(0.1) == 0.75 && map.predict(0.9) == 0.75)
    }

    @Test("invalid inputs are refused")
    func refusals() {
        #expect(throws: MonitorError.self) { try IsotonicCalibration(scores: [], outcomes: []) }
        #expect(throws: MonitorError.self) { try IsotonicCalibration(scores: [0.5], outcomes: [1, 0]) }
        #expect(throws: MonitorError.self) { try IsotonicCalibration(scores: [.nan], outcomes: [1]) }
        #expect(throws: MonitorError.self) { try IsotonicCalibration(xs: [0.5, 0.4], ys: [0, 1]) }
        #expect(throws: MonitorError.self) { try IsotonicCalibration(xs: [0.4, 0.5], ys: [1, 0]) }
    }

    @Test("the JSON form round-trips")
    func jsonRoundTrip() throws {
        let item = Fixtures.json["isotonic"]!.arrayValue![0]
        let map = try IsotonicCalibration(scores: Fixtures.doubles(item["scores"]), outcomes: Fixtures.doubles(item["outcomes"]))
        let back = try IsotonicCalibration(json: try JSONParser.parse(map.json.canonical()).value)
        #expect(back == map)
    }
}
