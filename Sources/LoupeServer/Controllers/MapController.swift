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
/// Projections and clusters are computed and kept by the catalog (``CurationRepository``); rows
/// added since are placed on the next read without a refit.
public struct MapController<Service: CurationRepository>: Sendable {
    let service: Service
    let trees: MapTrees

    /// - Parameter service: where maps and clusters come from.
    public init(service: Service) {
        self.service = service
        self.trees = MapTrees()
    }

    /// Adds the routes to `group` (mounted at `/v1/datasets/{dataset}/spaces`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(":space/map", use: map)
        group.post(":space/map/select", use: select)
        group.get(":space/map/clusters/:cluster", use: cluster)
        group.group().add(middleware: RequireScope(.write)).post(":space/map/compute", use: compute)
    }

    private func spaceMap(_ context: LoupeRequestContext) async throws -> SpaceMap {
        try await service.map(space: context.parameters.decoded("space"), in: context.parameters.decoded("dataset"))
    }

    @Sendable func compute(_ request: Request, context: LoupeRequestContext) async throws -> APIMapComputed {
        let input = request.headers[.contentLength] == "0" || request.mediaType == nil
            ? APIMapComputeRequest() : try await request.decodeJSON(APIMapComputeRequest.self, context: context)
        if let clusters = input.clusters, !(2...200).contains(clusters) {
            throw APIError.validation("'clusters' must be in 2…200, got \(clusters).")
        }
        guard let method = ProjectionMethod(rawValue: input.method ?? "pca") else {
            throw APIError.validation("'method' must be pca or umap, got '\(input.method ?? "")'.")
        }
        let space = try context.parameters.decoded("space"), dataset = try context.parameters.decoded("dataset")
        let started = ContinuousClock.now
        let seed = input.seed ?? 42
        let projected = try await service.project(space: space, in: dataset, method: method, seed: seed)
        let k = min(projected.points, input.clusters ?? SpaceMap.defaultClusterCount(projected.points))
        let clustering = try await service.cluster(space: space, in: dataset, algorithm: .kmeans(clusters: k), seed: seed)
        let elapsed = ContinuousClock.now - started
        return APIMapComputed(space: projected.spaceID, method: method.rawValue, points: projected.points, clusters: clustering.clusters.count,
                              seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    @Sendable func map(_ request: Request, context: LoupeRequestContext) async throws -> APIMap {
        let map = try await spaceMap(context)
        let colour = try await colouring(request.uri.queryParameters.get("colour") ?? "cluster", map: map)
        let bounds = map.bounds
        // Clusters are numbered 0..<k; the map's `clusters` column indexes `clusterNames`.
        let names = map.clusters.sorted { $0.id < $1.id }.map(\.name)
        return APIMap(
            space: map.spaceID, dataset: map.datasetID, method: map.method.rawValue, created: map.createdAt,
            bounds: APIBox(minX: bounds.minX, minY: bounds.minY, maxX: bounds.maxX, maxY: bounds.maxY),
            ids: map.ids, x: map.x, y: map.y, clusters: map.clusterIndex, clusterNames: names, colour: colour)
    }

    private func colouring(_ choice: String, map: SpaceMap) async throws -> APIMapColouring {
        switch choice {
        case "cluster":
            return APIMapColouring(kind: "cluster", values: map.clusterIndex.map { Double($0) },
                                   categories: map.clusters.sorted { $0.id < $1.id }.map(\.name))
        case "label":
            let names = Array(Set(map.labels.compactMap { $0 })).sorted()
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Double($0)) })
            return APIMapColouring(kind: "label", values: map.labels.map { $0.flatMap { index[$0] } ?? -1 }, categories: names)
        case let metric where metric.hasPrefix("metric:"):
            let name = String(metric.dropFirst("metric:".count))
            let values = try await service.metricValues(name, className: nil, in: map.datasetID)
            guard !values.isEmpty else { throw APIError.validation("No row of dataset '\(map.datasetID)' has a metric '\(name)'.") }
            let column = map.slots.map { values[$0] }
            let present = column.compactMap { $0 }
            return APIMapColouring(kind: "metric", name: name, values: column, categories: [], min: present.min(), max: present.max())
        default:
            throw APIError.validation("'colour' must be cluster, label or metric:NAME, got '\(choice)'.")
        }
    }

    @Sendable func select(_ request: Request, context: LoupeRequestContext) async throws -> APIMapSelection {
        let input = try await request.decodeJSON(APIMapSelectRequest.self, context: context)
        let map = try await spaceMap(context)
        let tree = try await trees.tree(for: map)
        var points: [UInt32]
        switch (input.box, input.polygon) {
        case (let box?, nil):
            let query = Box2D(minX: box.minX, minY: box.minY, maxX: box.maxX, maxY: box.maxY)
            if let problem = query.problem(allowInfinite: true) { throw APIError.validation("'box': \(problem).") }
            points = try tree.search(in: query)
        case (nil, let polygon?):
            do {
                points = tree.search(in: try Polygon2D(xy: polygon))
            } catch let error as VectorIndexError {
                throw APIError.validation("'polygon': \(error.message)")
            }
        default:
            throw APIError.validation("Give exactly one of 'box' or 'polygon'.")
        }
        points.sort()
        return APIMapSelection(ids: points.map { map.ids[Int($0)] }, count: points.count)
    }

    @Sendable func cluster(_ request: Request, context: LoupeRequestContext) async throws -> ClusterInfo {
        let map = try await spaceMap(context)
        let text = try context.parameters.decoded("cluster")
        guard let id = Int(text), let found = map.clusters.first(where: { $0.id == id }) else {
            throw APIError.notFound("The map of space '\(map.spaceID)' has no cluster '\(text)' (it has \(map.clusters.count)).")
        }
        return found
    }
}
