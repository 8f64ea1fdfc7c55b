/// A field of a record: its bytes with quoting undone.
struct CSVField {
    var bytes: ArraySlice<UInt8>
    var isEmpty: Bool { bytes.isEmpty }
}
