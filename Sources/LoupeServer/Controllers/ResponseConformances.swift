import Catalog
import Hummingbird

// The catalog's types are the API's answers, encoded by the context's encoder (snake_case).
// The catalog knows nothing about HTTP; the conformances live here, at the edge.
extension Dataset: ResponseEncodable {}
extension DataRow: ResponseEncodable {}
extension RowPage: ResponseEncodable {}
extension EmbeddingSpace: ResponseEncodable {}
extension ImportReport: ResponseEncodable {}
extension Job: ResponseEncodable {}
extension Selection: ResponseEncodable {}
extension Slice: ResponseEncodable {}
extension APIInferResponse: ResponseEncodable {}
extension SpaceClustering: ResponseEncodable {}
extension ClusterInfo: ResponseEncodable {}
extension ProjectionSummary: ResponseEncodable {}
extension DuplicateReport: ResponseEncodable {}
extension MetricAggregation: ResponseEncodable {}
