extension IndexFile.Writer {
    /// Starts an index file of `kind` at `path` whose "META" section holds just `header`.
    static func start(path: String, kind: String, header: IndexHeader) throws -> IndexFile.Writer {
        let writer = try IndexFile.Writer(path: path, kind: kind)
        var meta = IndexFile.Encoder()
        header.encode(into: &meta)
        try writer.section("META", meta.bytes)
        return writer
    }
}

extension IndexFile.Reader {
    /// Opens the index file at `path`, checks that it holds a `kind` index, and reads the header
    /// of its "META" section.
    static func opening(path: String, kind: String) throws -> (reader: IndexFile.Reader, header: IndexHeader) {
        let reader = try IndexFile.Reader(path: path)
        try reader.expect(kind: kind)
        var decoder = IndexFile.Decoder(try reader.section("META"), section: "META")
        return (reader, try IndexHeader.decode(from: &decoder, path: path))
    }
}
