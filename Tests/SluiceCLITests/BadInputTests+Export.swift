import Testing

/// The bad-input corpus for `sluice export` (issue 17): a model, version or option that cannot be
/// exported exits 1 naming it and what to do, writes no file, and changes no published model.
extension BadInputTests {
    static let exportCases: [CommandCase] = [
        CommandCase(name: "export of an unknown model", arguments: ["export", "irsi", "--format", "onnx"],
             expect: ["the store has no model named irsi", "sluice status"]),
        CommandCase(name: "export of a version no id starts with", arguments: ["export", "iris", "--format", "onnx", "--version", "ffffff0000"],
             expect: ["--version ffffff0000: no such version", "versions of iris:", "sluice history iris"]),
        CommandCase(name: "export of a version prefix that is too short", arguments: ["export", "iris", "--format", "onnx", "--version", "ab"],
             expect: ["--version ab: give at least 6 characters of the id"]),
        CommandCase(name: "export in an unknown format", arguments: ["export", "iris", "--format", "pmml"],
             expect: ["--format", "pmml", "onnx"]),
        CommandCase(name: "export with an unsupported ai.onnx.ml opset", arguments: ["export", "iris", "--format", "onnx", "--opset-ml", "2"],
             expect: ["--opset-ml 2 is not supported; use 5 or 3"]),
        CommandCase(name: "export of a Triton layout to standard output", arguments: ["export", "iris", "--format", "onnx", "--layout", "triton", "-o", "-"],
             expect: ["--layout triton writes a directory; give -o DIR"]),
        CommandCase(name: "export into a directory that is a file", arguments: ["export", "iris", "--format", "onnx", "-o", "manifests/iris.json/iris.onnx"],
             expect: ["cannot write manifests/iris.json/iris.onnx", "check that its directory is writable"]),
    ]

    @Test(arguments: exportCases)
    func badExportIsReportedAndHarmsNothing(_ c: CommandCase) throws {
        try badCommandLineIsReportedAndHarmsNothing(c)
    }
}
