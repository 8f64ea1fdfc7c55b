import SluiceLearn

extension GraphBuilder {
    /// The nodes that turn the raw feature inputs into the encoded matrix `[N, width]`, exactly as
    /// ``FeatureEncoder`` does: a numeric NaN becomes the training fill (`IsNaN` + `Where`); a
    /// category becomes its code through `LabelEncoder`, whose default (for a missing or unseen
    /// value) is the fill code; codes are cast to double (ordinal) or compared with `0..<C`
    /// (one-hot); then `(x − mean) / scale` per column when the encoder standardises.
    /// - Returns: the name of the encoded matrix.
    mutating func encodedFeatures(_ encoder: FeatureEncoder) -> String {
        var columns: [String] = []
        for f in encoder.features {
            switch f.kind {
            case .numeric(let fill):
                let missing = op("IsNaN", [f.name])
                columns.append(op("Where", [missing, scalar("fill", fill), f.name]))
            case .categorical(let categories, let fill):
                let code = op("LabelEncoder", [f.name], domain: "ai.onnx.ml", [
                    ONNXAttribute("keys_strings", .strings(categories)),
                    ONNXAttribute("values_int64s", .ints(categories.indices.map(Int64.init))),
                    ONNXAttribute("default_int64", .int(Int64(fill))),
                ])
                if encoder.encoding == .ordinal {
                    columns.append(op("Cast", [code], [ONNXAttribute("to", .int(Int64(ONNXElementType.double.rawValue)))]))
                } else {
                    let codes = constant("categories", dims: [Int64(categories.count)], .int64s(categories.indices.map(Int64.init)))
                    let indicator = op("Equal", [code, codes])
                    columns.append(op("Cast", [indicator], [ONNXAttribute("to", .int(Int64(ONNXElementType.double.rawValue)))]))
                }
            }
        }
        var x = columns.count == 1 ? columns[0] : op("Concat", columns, [ONNXAttribute("axis", .int(1))])
        if !encoder.means.isEmpty {
            let width = [Int64(encoder.means.count)]
            x = op("Sub", [x, constant("means", dims: width, .doubles(encoder.means))])
            x = op("Div", [x, constant("scales", dims: width, .doubles(encoder.scales))])
        }
        return x
    }
}
