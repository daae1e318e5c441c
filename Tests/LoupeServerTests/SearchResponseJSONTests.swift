import Catalog
import Foundation
import NIOCore
import Testing
import TestSupport

@testable import LoupeServer

@Suite("Search answers written by hand")
struct SearchResponseJSONTests {
    static func handWritten(_ response: SearchResponse) -> String {
        var buffer = ByteBuffer()
        response.writeJSON(to: &buffer)
        return String(buffer: buffer)
    }

    static func encoded(_ response: SearchResponse) throws -> String {
        String(decoding: try APIJSON.encoder.encode(response), as: UTF8.self)
    }

    @Test("Byte for byte what the API's encoder writes, over seeded scores, ids and optional members")
    func sameAsEncoder() throws {
        var random = SeededGenerator(seed: 11)
        let ids = ["r0", "a\"quoted\"id", #"back\slash"#, "path/with/slashes", "ünïcødé-行", "tab\tand\nnewline", "\u{1}\u{1f}", ""]
        for round in 0..<200 {
            let hits = (0..<Int.random(in: 0...12, using: &random)).map { _ in
                let score = Float.random(in: -1...1, using: &random) * Float(pow(10, Double.random(in: -8...3, using: &random)))
                return SearchHit(rowID: ids[Int.random(in: 0..<ids.count, using: &random)], score: score, distance: 1 - score)
            }
            let response = SearchResponse(
                hits: hits + [SearchHit(rowID: "whole", score: 1, distance: 0), SearchHit(rowID: "negative-zero", score: -0.0, distance: 2)],
                isExact: round % 2 == 0, candidatesScored: Int.random(in: 0...1_000_000, using: &random),
                filteredCount: round % 3 == 0 ? nil : Int.random(in: 0...100_000, using: &random),
                scoreThreshold: round % 5 == 0 ? Float.random(in: -1...1, using: &random) : nil,
                nextCursor: round % 4 == 0 ? "o2s" : nil, index: round % 2 == 0 ? "flat" : "hnsw")
            #expect(try Self.handWritten(response) == Self.encoded(response))
        }
    }

    @Test("Hits with rows go through the encoder, and the answer decodes back the same")
    func rowsFallBack() async throws {
        let row = DataRow(id: "r1", rowData: "text", mediaType: .text)
        let response = SearchResponse(hits: [SearchHit(rowID: "r1", score: 0.5, distance: 0.5, row: row)], isExact: true,
                                      candidatesScored: 1, filteredCount: nil, scoreThreshold: nil, nextCursor: nil, index: "flat")
        let decoded = try APIJSON.decoder.decode(SearchResponse.self, from: Data(Self.encoded(response).utf8))
        #expect(decoded == response)
        let plain = SearchResponse(hits: [SearchHit(rowID: "r1", score: 0.25, distance: 0.75)], isExact: false, candidatesScored: 9,
                                   filteredCount: 3, scoreThreshold: 0.125, nextCursor: "o1", index: "hnsw")
        #expect(try APIJSON.decoder.decode(SearchResponse.self, from: Data(Self.handWritten(plain).utf8)) == plain)
    }
}
