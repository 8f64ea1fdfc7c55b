import SluiceCore
import SluiceMonitor
import Testing

/// The HTML page of `sluice monitor --html`: its structure (not its pixels).
@Suite struct MonitorPageTests {
    static func page(shift: Double, series: [MonitorWindow.Point] = [], rename: String? = nil) -> (String, MonitorReport) {
        var p = MonitorReportTests.profile()
        if let rename { p.features[0].name = rename }
        var policy = MonitorPolicy()
        policy.driftShare = 0.25
        let stats = MonitorReportTests.window(p, seed: 11, rows: 1000, shift: shift, shifted: 1)
        let report = MonitorReport.evaluate(profile: p, stats: stats, policy: policy)
        return (MonitorPage.html(heading: .init(model: "iris", version: String(repeating: "ab", count: 32), source: "1000 rows of b.csv"),
                                 profile: p, stats: stats, report: report, series: series), report)
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("a drifted feature gets a reference-against-live chart, and only it, besides the predictions")
    func driftedFeatureCharted() {
        let (html, report) = Self.page(shift: 1)
        #expect(report.breachedFeatures == ["x1"])
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"), "no script")
        #expect(!html.contains("src=") && !html.contains("<link") && !html.contains("url("), "nothing fetched")
        #expect(Self.count("<svg", in: html) == 2, "x1 and the predictions")
        #expect(Self.count("<svg", in: html) == Self.count("</svg>", in: html))
        #expect(html.contains("<title>x1: PSI"))
        #expect(!html.contains("<title>x0: PSI"))
        #expect(html.contains("<title>prediction: PSI"))
        #expect(html.contains("<li class=\"breach\"><b>Drifted</b> (FeatureDrift)"))
        #expect(html.contains("<tr class=\"breach\"><td>x1</td>"))
        #expect(Self.count("<tr class=", in: html) == 4, "one table row per feature")
        #expect(html.contains("Version <code>abababababab</code>, 1000 rows of b.csv: 1000 rows, 0 labelled."))
    }

    @Test("without drift, the three features of highest PSI are charted, in profile order")
    func topThreeWithoutDrift() {
        let (html, report) = Self.page(shift: 0)
        #expect(report.features.allSatisfy { $0.level == .ok })
        #expect(html.contains("No condition holds."))
        let charted = MonitorPage.chartedFeatures(report)
        #expect(charted.count == 3)
        #expect(charted == charted.sorted())
        let lowest = report.features.indices.min { report.features[$0].psi < report.features[$1].psi }!
        #expect(!charted.contains(lowest))
        #expect(Self.count("<svg", in: html) == 4)
    }

    @Test("bars: one reference and one live bar per bin, labelled with the bin")
    func barsPerBin() {
        let (html, report) = Self.page(shift: 1)
        let p = MonitorReportTests.profile()
        let bins = p.features[1].bins.count
        let chart = html.components(separatedBy: "<svg").first { $0.contains("<title>x1: PSI") }!
        #expect(Self.count("<rect ", in: chart) == 2 * bins + 2, "two bars per bin, two legend keys")
        #expect(chart.contains(">missing</text>"))
        #expect(MonitorPage.binLabels(p.features[3].bins).suffix(2) == ["other", "missing"])
        #expect(MonitorPage.binLabels(.numeric(edges: [1, 2.5])) == ["≤ 1", "1–2.5", "> 2.5", "missing"])
        #expect(report.features[1].level == .breach)
    }

    @Test("a series with live values and estimates gets the metric-over-time chart with the test value")
    func seriesChart() {
        let series = (0..<4).map { MonitorWindow.Point(from: Int64($0 * 300), rows: 100, labelled: 50, live: 0.9 - Double($0) * 0.05, estimate: 0.88) }
        let (html, _) = Self.page(shift: 1, series: series)
        #expect(Self.count("<svg", in: html) == 3)
        #expect(html.contains("<title>accuracy over the window</title>"))
        #expect(html.contains("test 0.9</text>"))
        #expect(Self.count("<polyline", in: html) == 2, "live and estimate")
        #expect(html.contains(">00:00 UTC</text>") && html.contains(">00:15</text>"), "the time axis runs from the first step to the last")
    }

    @Test("names are escaped")
    func escaped() {
        let (html, _) = Self.page(shift: 0, rename: "<b>&x")
        #expect(html.contains("&lt;b&gt;&amp;x"))
        #expect(!html.contains("<b>&x"))
    }
}

extension MonitorPageTests {
    @Test("a feature in breach below the drift share is explained, not silently ignored")
    func shareNoteExplainsABreachThatIsNoCondition() {
        let p = MonitorReportTests.profile()
        let stats = MonitorReportTests.window(p, seed: 11, rows: 1000, shift: 1, shifted: 1)
        let report = MonitorReport.evaluate(profile: p, stats: stats, policy: MonitorPolicy())
        #expect(report.breachedFeatures == ["x1"])
        #expect(!report.conditions.contains { $0.reason == .featureDrift })
        #expect(MonitorPage.shareNote(report, policy: MonitorPolicy()) == "In breach: x1 (1 of 4 features); the model counts as Drifted when at least 0.5 of its features are (monitor.drift.share).")
        var share = MonitorPolicy()
        share.driftShare = 0.25
        #expect(MonitorPage.shareNote(MonitorReport.evaluate(profile: p, stats: stats, policy: share), policy: share) == nil)
        #expect(MonitorPage.binLabels(.numeric(edges: [6.5200000000000005, 7])) == ["≤ 6.52", "6.52–7", "> 7", "missing"])
    }
}
