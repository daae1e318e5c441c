import Catalog
import Foundation
import Hummingbird
import VectorIndex

/// The cluster map of a space, under `/v1/datasets/{dataset}/spaces/{space}/map`:
/// - `GET …/map?colour=cluster|label|metric:NAME` (read): the points, clusters and colours;
/// - `POST …/map/compute` (write): projects (PCA or UMAP) and clusters (k-means) the space's vectors now;
/// - `POST …/map/select` (read): the rows inside a box or a lasso polygon, answered by an R-tree;
/// - `GET …/map/clusters/{cluster}` (read): a cluster's summary.
///
/// The map is computed with the Curation module's `PCA`/`UMAP` and `ClusterSummary` and
/// VectorMath's `KMeans`, and kept by ``MapStore`` until the catalog stores projections itself.
public struct MapController<Service: SpaceRepository & ExportProvider>: Sendable {
    let service: Service
    let store: MapStore

    /// - Parameters:
    ///   - service: where spaces and their rows come from.
    ///   - maps: where maps are kept (shared with ``SmartSelectController``).
    public init(service: Service, maps: MapStore) {
        self.service = service
        self.store = maps
    }

    /// Adds the routes to `group` (mounted at `/v1/datasets/{dataset}/spaces`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(":space/map", use: map)
        group.post(":space/map/select", use: select)
        group.get(":space/map/clusters/:cluster", use: cluster)
        group.group().add(middleware: RequireScope(.write)).post(":space/map/compute", use: compute)
    }

    private func space(_ context: LoupeRequestContext) async throws -> EmbeddingSpace {
        try await service.space(context.parameters.decoded("space"), in: context.parameters.decoded("dataset"))
    }

    private func loaded(_ context: LoupeRequestContext) async throws -> (EmbeddingSpace, MapStore.Loaded) {
        let space = try await space(context)
        guard let loaded = try await store.load(space: space.id) else {
            throw APIError.notFound(
                "Space '\(space.name)' has no map yet: POST /v1/datasets/\(space.datasetID)/spaces/\(space.id)/map/compute makes one.")
        }
        return (space, loaded)
    }

    @Sendable func compute(_ request: Request, context: LoupeRequestContext) async throws -> APIMapComputed {
        let input = request.headers[.contentLength] == "0" || request.mediaType == nil
            ? APIMapComputeRequest() : try await request.decodeJSON(APIMapComputeRequest.self, context: context)
        if let clusters = input.clusters, !(2...200).contains(clusters) {
            throw APIError.validation("'clusters' must be in 2…200, got \(clusters).")
        }
        guard let method = MapProjection(rawValue: input.method ?? "pca") else {
            throw APIError.validation("'method' must be pca or umap, got '\(input.method ?? "")'.")
        }
        let started = ContinuousClock.now
        let space = try await space(context)
        let snapshot = try await RowSnapshot.read(from: service, dataset: space.datasetID, space: space, filter: RowFilter())
        let map = try SpaceMap.build(space: space, snapshot: snapshot, method: method, clusters: input.clusters, seed: input.seed ?? 42)
        _ = try await store.save(map)
        let elapsed = ContinuousClock.now - started
        return APIMapComputed(space: space.id, method: map.info.method, points: map.count, clusters: map.info.clusters.count,
                              seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    @Sendable func map(_ request: Request, context: LoupeRequestContext) async throws -> APIMap {
        let (space, loaded) = try await loaded(context)
        let map = loaded.map
        let colour = try await colouring(request.uri.queryParameters.get("colour") ?? "cluster", map: map, space: space)
        let bounds = map.bounds
        return APIMap(
            space: space.id, dataset: map.info.dataset, method: map.info.method, created: map.info.created,
            bounds: APIBox(minX: bounds.minX, minY: bounds.minY, maxX: bounds.maxX, maxY: bounds.maxY),
            ids: map.ids, x: map.x, y: map.y, clusters: map.clusters, clusterNames: map.info.clusters.map(\.name), colour: colour)
    }

    private func colouring(_ choice: String, map: SpaceMap, space: EmbeddingSpace) async throws -> APIMapColouring {
        switch choice {
        case "cluster":
            return APIMapColouring(kind: "cluster", values: map.clusters.map { Double($0) }, categories: map.info.clusters.map(\.name))
        case "label":
            return APIMapColouring(kind: "label", values: map.labels.map { Double($0) }, categories: map.info.labelNames)
        case let metric where metric.hasPrefix("metric:"):
            let name = String(metric.dropFirst("metric:".count))
            let snapshot = try await RowSnapshot.read(from: service, dataset: space.datasetID, space: nil, filter: RowFilter())
            var byID: [String: Double] = [:]
            for (row, id) in snapshot.ids.enumerated() { if let value = snapshot.metrics[row][name] { byID[id] = value } }
            guard !byID.isEmpty else { throw APIError.validation("No row of dataset '\(space.datasetID)' has a metric '\(name)'.") }
            let values = map.ids.map { byID[$0] }
            let present = values.compactMap { $0 }
            return APIMapColouring(kind: "metric", name: name, values: values, categories: [], min: present.min(), max: present.max())
        default:
            throw APIError.validation("'colour' must be cluster, label or metric:NAME, got '\(choice)'.")
        }
    }

    @Sendable func select(_ request: Request, context: LoupeRequestContext) async throws -> APIMapSelection {
        let input = try await request.decodeJSON(APIMapSelectRequest.self, context: context)
        let (_, loaded) = try await loaded(context)
        var points: [UInt32]
        switch (input.box, input.polygon) {
        case (let box?, nil):
            let query = Box2D(minX: box.minX, minY: box.minY, maxX: box.maxX, maxY: box.maxY)
            if let problem = query.problem(allowInfinite: true) { throw APIError.validation("'box': \(problem).") }
            points = try loaded.tree.search(in: query)
        case (nil, let polygon?):
            do {
                points = loaded.tree.search(in: try Polygon2D(xy: polygon))
            } catch let error as VectorIndexError {
                throw APIError.validation("'polygon': \(error.message)")
            }
        default:
            throw APIError.validation("Give exactly one of 'box' or 'polygon'.")
        }
        points.sort()
        return APIMapSelection(ids: points.map { loaded.map.ids[Int($0)] }, count: points.count)
    }

    @Sendable func cluster(_ request: Request, context: LoupeRequestContext) async throws -> MapCluster {
        let (space, loaded) = try await loaded(context)
        let text = try context.parameters.decoded("cluster")
        guard let index = Int(text), loaded.map.info.clusters.indices.contains(index) else {
            throw APIError.notFound("The map of space '\(space.name)' has no cluster '\(text)' (it has \(loaded.map.info.clusters.count)).")
        }
        return loaded.map.info.clusters[index]
    }
}
