import Testing
import SluiceCore

/// Durations as people write them, and the error for anything else.
@Suite struct DurationTextTests {
    @Test(arguments: [("30s", 30.0), ("5m", 300), ("1h", 3600), ("7d", 604_800), ("1.5s", 1.5), ("250ms", 0.25),
                      ("30", 30), ("0.5", 0.5), (" 2s ", 2)])
    func acceptedForms(_ text: String, _ seconds: Double) throws {
        #expect(try DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "s", "2x", "-1s", "1e3", "1.5.2s", "inf", "nan", "5 minutes", "m5"])
    func rejectedFormsSayWhatIsAccepted(_ text: String) {
        #expect(throws: DurationError(text: text)) { try DurationText.seconds(text) }
        #expect(DurationError(text: text).description.contains("250ms, 1.5s, 30s, 5m, 1h, 7d"))
    }
}

/// A duration too long to mean anything is refused, not turned into an integer overflow later
/// (`--lock-timeout 99999999999999999d` trapped converting to milliseconds).
@Suite struct DurationLimitTests {
    @Test func tenYearsIsTheLongest() throws {
        #expect(try DurationText.seconds("3650d") == DurationText.maximum)
        #expect(throws: DurationError(text: "3651d", tooLong: true)) { try DurationText.seconds("3651d") }
        #expect(throws: DurationError(text: "99999999999999999999d", tooLong: true)) { try DurationText.seconds("99999999999999999999d") }
        #expect(DurationError(text: "3651d", tooLong: true).description.contains("longer than 10 years"))
    }
}
