import Catalog
import Foundation
import Testing

@Suite struct CodingTests {
    @Test func taggedFormsRoundTrip() throws {
        let filter = RowFilter(metadata: [MetadataCondition(field: "n", .range(minimum: .number(1), maximum: nil)),
                                          MetadataCondition(field: "c", .isIn([.string("a")])),
                                          MetadataCondition(field: "d", .exists(false))],
                               labels: [LabelCondition(anyOf: ["cat"], kind: .prediction, minimumConfidence: 0.5)],
                               metrics: [MetricCondition(name: "loss", maximum: 2)])
        let request = SearchRequest(dataset: "d", space: "s", query: .anchors(positive: ["a"], negative: ["b"], negativeWeight: 0.25),
                                    filter: filter, threshold: .percentile(99))
        let encoded = try JSONEncoder().encode(request)
        #expect(try JSONDecoder().decode(SearchRequest.self, from: encoded) == request)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains(#""type":"anchors""#) && text.contains(#""type":"range""#) && text.contains(#""type":"percentile""#))
        for query in [SearchQuery.vector([1, 2]), .text("hi"), .image([0, 255, 7])] {
            #expect(try JSONDecoder().decode(SearchQuery.self, from: JSONEncoder().encode(query)) == query)
        }
        for kind in [SpaceKind.custom, .model("m")] {
            #expect(try JSONDecoder().decode(SpaceKind.self, from: JSONEncoder().encode(kind)) == kind)
        }
        let order = RowOrder(.metric(name: "loss", className: "cat"), descending: true)
        #expect(try JSONDecoder().decode(RowOrder.self, from: JSONEncoder().encode(order)) == order)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SearchQuery.self, from: Data(#"{"type": "telepathy"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SearchQuery.self, from: Data(#"{"type": "image", "image": "%%%"}"#.utf8)) }
    }
}
