import Foundation
import Testing
import TestSupport

@testable import LoupeServer

@Suite("Search body fast path")
struct SearchBodyScannerTests {
    static func decode(_ text: String) throws -> APISearchBody { try APISearchBody.decode(Array(text.utf8)) }

    @Test("The vector is read exactly as JSONDecoder reads it, whatever the spacing and number forms")
    func sameAsDecoder() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let values = (0..<384).map { _ in Float.random(in: -3...3, using: &random) * Float(pow(10, Double.random(in: -6...6, using: &random))) }
            let text = "{ \"k\" : 5,\n \"vector\" :[ " + values.map { "\($0)" }.joined(separator: " ,\n") + " ] , \"include_rows\": false }"
            let fast = try Self.decode(text)
            struct Plain: Decodable { var vector: [Float] }
            let slow = try JSONDecoder().decode(Plain.self, from: Data(text.utf8))
            #expect(fast.vector == slow.vector && fast.k == 5 && fast.includeRows == false)
        }
        #expect(try Self.decode(#"{"vector": [-0, 0.5, 1E3, -2.5e-3, 1e+2]}"#).vector == [0, 0.5, 1000, -0.0025, 100])
        #expect(try Self.decode(#"{"vector": []}"#).vector == [])
    }

    @Test("Numbers on and off the fast path (many digits, far exponents, zeros) read as strtod reads them")
    func slowPathNumbers() throws {
        let numbers = ["123456789012345678", "0.1234567890123456789", "1e30", "-1e-30", "1e22", "1e23", "1e-22", "1e-23",
                       "-0", "0e5", "-0.0e-400", "0.000000000000000000000000001", "9007199254740993", "3.4028235e38", "1.17549435e-38",
                       "1.401298e-45", "0.30000000000000004", "100000000000000000000000"]
        let text = "{\"vector\": [" + numbers.joined(separator: ",") + "]}"
        let reference = numbers.map { Float(strtod($0, nil)) }
        let fast = try #require(try Self.decode(text).vector)
        #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern))
        var random = SeededGenerator(seed: 23)
        let printed = (0..<2000).map { _ in String(Float.random(in: -1...1, using: &random) * Float(pow(10, Double.random(in: -8...8, using: &random)))) }
        let read = try #require(try Self.decode("{\"vector\": [" + printed.joined(separator: ",") + "]}").vector)
        #expect(read.map(\.bitPattern) == printed.map { Float(strtod($0, nil)).bitPattern })
    }

    @Test("Only the top-level vector is taken; strings and nested members named vector are left alone")
    func onlyTopLevel() throws {
        let body = try Self.decode(#"{"text": "\"vector\": [1, 2]", "filter": {"row_ids": ["vector"]}, "k": 3}"#)
        #expect(body.vector == nil && body.text == #""vector": [1, 2]"# && body.filter?.rowIds == ["vector"] && body.k == 3)
        #expect(try Self.decode(#"{"positive": ["a"], "vector": [1, 2]}"#).vector == [1, 2])
    }

    @Test("What is not JSON is refused with a 400, as the decoder refuses it", arguments: [
        #"{"vector": [NaN, 1]}"#, #"{"vector": [01]}"#, #"{"vector": [1.]}"#, #"{"vector": [.5]}"#,
        #"{"vector": [1 2]}"#, #"{"vector": ["1"]}"#, #"{"vector": [Infinity]}"#, #"{"vector": [0x10]}"#, #"{"vector": [1]"#,
        #"{"vector": [1]} trailing"#, "", "[1, 2]",
    ])
    func malformed(text: String) {
        #expect(throws: APIError.self) { try Self.decode(text) }
    }
}
