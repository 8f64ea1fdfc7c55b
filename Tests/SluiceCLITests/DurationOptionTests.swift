import Foundation
import Testing
import SluiceCore

/// Every option taking a duration accepts `30s`, `5m`, `1h`, `250ms` and plain seconds, on the
/// command line and in `run --config`.
@Suite struct DurationOptionTests {
    @Test func durationsWithUnitsAreAcceptedOnTheCommandLine() throws {
        let s = try Sandbox()
        let apply = try s.run("apply", "--lock-timeout", "1.5s")
        #expect(apply.status == 0, "\(apply.output)")
        let gate = try s.run("gate", "--lock-timeout", "250ms")
        #expect(gate.status == 0, "\(gate.output)")
        #expect(try s.run("apply", "--lock-timeout", "10").status == 0, "plain seconds still work")
    }

    @Test func aConfigFileTakesDurationStringsAndNamesABadOne() throws {
        let s = try Sandbox()
        try s.write("bad.json", "{\"interval\": \"2x\", \"listen\": \"off\"}")
        let bad = try s.run("run", "--config", "bad.json")
        #expect(bad.status == 1, "\(bad.output)")
        #expect(bad.stderr.contains("'2x' is invalid for '--interval"), "\(bad.output)")
    }

    @Test func aHugeDurationIsAnErrorNotATrap() throws {
        // 1e15 days overflowed Int(seconds * 1000) and trapped (exit 132) before anything ran.
        let s = try Sandbox()
        for args in [["apply", "--lock-timeout", "1000000000000000d"], ["gc", "--lock-timeout", "1000000000000000d"],
                     ["apply", "--download-timeout", "99999999999999999999"]] {
            let r = try s.run(args)
            #expect(r.status == 1, "\(args): \(r.output)")
            #expect(r.stderr.contains("longer than 10 years"), "\(args): \(r.output)")
        }
    }
}
