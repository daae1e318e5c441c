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
        // Under snake_case strategies every key, synthesized or tagged, is snake_case.
        let snake = JSONEncoder()
        snake.keyEncodingStrategy = .convertToSnakeCase
        let snakeText = String(decoding: try snake.encode(request), as: UTF8.self)
        #expect(snakeText.contains(#""negative_weight":0.25"#) && snakeText.contains(#""include_rows":false"#))
        let unsnake = JSONDecoder()
        unsnake.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try unsnake.decode(SearchRequest.self, from: Data(snakeText.utf8)) == request)
        let job = Job(id: "j", kind: .computeEmbeddings, datasetID: "d", spaceID: "s", state: .running, done: 1, total: 2, failedItems: 0,
                      error: nil, createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 1))
        let jobText = String(decoding: try snake.encode(job), as: UTF8.self)
        #expect(jobText.contains(#""dataset_id":"d""#) && jobText.contains(#""space_id":"s""#))
        #expect(try unsnake.decode(Job.self, from: Data(jobText.utf8)) == job)
        let selection = Selection(id: "x", datasetID: "d", name: "n", rowIDs: ["a"], createdAt: Date(timeIntervalSince1970: 0))
        #expect(try unsnake.decode(Selection.self, from: snake.encode(selection)) == selection)
        let hit = SearchHit(rowID: "r", score: 1, distance: 0)
        #expect(String(decoding: try snake.encode(hit), as: UTF8.self).contains(#""row_id":"r""#))
        #expect(try unsnake.decode(SearchHit.self, from: snake.encode(hit)) == hit)
        let filter2 = RowFilter(selectionID: "s", rowIDs: ["a"])
        #expect(try unsnake.decode(RowFilter.self, from: snake.encode(filter2)) == filter2)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SearchQuery.self, from: Data(#"{"type": "telepathy"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SearchQuery.self, from: Data(#"{"type": "image", "image": "%%%"}"#.utf8)) }
    }
}
