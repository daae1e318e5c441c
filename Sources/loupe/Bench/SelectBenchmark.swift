import Curation
import Foundation
import VectorIndex
import VectorMath

/// The measurements behind `loupe bench select`, each timed once end to end (vectors validated
/// and normalised, index or graph built, answer computed), as the peer times its side.
struct SelectBenchmark {
    let inputs: SelectInputs
    let out: String
    let threads: Int

    private func write<T>(_ values: [T], to name: String) throws {
        try values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: out + "/" + name)) }
    }

    /// Pairs as (u32 first, u32 second, f32 score) records.
    private func write(_ pairs: [NearDuplicates.Pair], to name: String) throws {
        var bytes = Data(capacity: pairs.count * 12)
        for pair in pairs {
            withUnsafeBytes(of: pair.first.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: pair.second.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: pair.score.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        try bytes.write(to: URL(fileURLWithPath: out + "/" + name))
    }

    /// Runs `body` and returns its wall-clock seconds and the CPU seconds of the whole process
    /// (every thread), as Python's `time.process_time` counts them on the peer's side.
    private func timed(_ body: () throws -> Void) rethrows -> Time {
        let cpu = Self.processCPUTime()
        let wall = try BenchClock.time(body)
        return Time(wall: wall, cpu: Self.processCPUTime() - cpu)
    }

    struct Time {
        let wall: Double
        let cpu: Double
    }

    private static func processCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    private func line(_ test: String, _ setting: String, time: Time, _ fields: [(String, Int)] = []) -> JSONLine {
        var line = JSONLine()
        line.add("lib", "loupe")
        line.add("test", test)
        line.add("setting", setting)
        line.add("seconds", time.wall, digits: 3)
        line.add("cpu_seconds", time.cpu, digits: 3)
        for (key, value) in fields { line.add(key, value) }
        return line
    }

    /// (1) All pairs of images at or above the lowest threshold, exactly and through HNSW.
    func imageDuplicates() throws -> [JSONLine] {
        let threshold = inputs.manifest.image_thresholds.min() ?? 0.98
        var lines: [JSONLine] = []
        for (name, method) in [("exact", NearDuplicates.Method.exact),
                               ("hnsw", .graph(HNSWParameters(m: 16, efConstruction: 200, efSearch: 64), neighbors: 16))] {
            var result: NearDuplicates.Result?
            let time = try timed {
                let vectors = try RowVectors(inputs.images, dimensions: inputs.manifest.images.dims, metric: .cosine)
                result = try NearDuplicates.vectors(vectors, threshold: threshold, method: method, threads: threads)
            }
            guard let result else { continue }
            try write(result.pairs, to: "loupe_image_pairs_\(name).bin")
            log("loupe image near-duplicates (\(name)): \(String(format: "%.1f s (%.1f s CPU)", time.wall, time.cpu)), \(result.pairs.count) pairs, \(result.groups.count) groups")
            lines.append(line("image_duplicates", name, time: time,
                              [("pairs", result.pairs.count), ("groups", result.groups.count), ("rows", inputs.imageRows),
                               ("saturated_rows", result.saturatedRows)]))
        }
        return lines
    }

    /// (2) All pairs of texts at or above the Jaccard threshold.
    func textDuplicates() throws -> JSONLine {
        var result: NearDuplicates.Result?
        let time = try timed {
            result = try NearDuplicates.texts(inputs.texts, threshold: inputs.manifest.text_threshold, threads: threads)
        }
        guard let result else { throw CurationError(.invalidArgument, "no text result") }
        try write(result.pairs, to: "loupe_text_pairs.bin")
        let banding = try LSHBanding.optimal(threshold: inputs.manifest.text_threshold, numPermutations: 128,
                                             falsePositiveWeight: 0.1, falseNegativeWeight: 0.9)
        log("loupe text near-duplicates: \(String(format: "%.1f s (%.1f s CPU)", time.wall, time.cpu)), \(result.pairs.count) pairs")
        return line("text_duplicates", "MinHash LSH b=\(banding.bands) r=\(banding.rows) exact", time: time,
                    [("pairs", result.pairs.count), ("rows", inputs.texts.count)])
    }

    /// (3) Label-mistake rankings on L2-normalised pixels and on PCA-50.
    func labelMistakes() throws -> [JSONLine] {
        let n = inputs.manifest.labels.rows, k = inputs.manifest.label_k
        let sets: [(String, [Float], Int, Metric)] = [
            ("pixels", Array(inputs.images[0..<(n * inputs.manifest.images.dims)]), inputs.manifest.images.dims, .cosine),
            ("pca50", inputs.pca, inputs.manifest.pca.dims, .l2),
        ]
        var lines: [JSONLine] = []
        for (name, values, dimensions, metric) in sets {
            for (method, graphMethod) in [("exact", NeighborSearch.exact), ("hnsw", .approximate(HNSWParameters(efSearch: 128)))] {
                var ranking: LabelMistakes.Ranking?
                var graphSeconds = 0.0
                let time = try timed {
                    let vectors = try RowVectors(values, dimensions: dimensions, metric: metric)
                    var graph: KNNGraph?
                    graphSeconds = try BenchClock.time { graph = try KNNGraph.build(vectors, k: k, search: graphMethod, threads: threads) }
                    ranking = try graph.map { try LabelMistakes.rank($0, labels: inputs.labels, classCount: inputs.manifest.labels.classes) }
                }
                guard let ranking else { continue }
                try write(ranking.entries.map(\.row), to: "loupe_labels_\(name)_\(method).u32")
                log("loupe label mistakes (\(name), \(method)): \(String(format: "%.1f s (%.1f s CPU)", time.wall, time.cpu))")
                var result = line("label_mistakes", "\(name) \(method) k=\(k)", time: time,
                                  [("likely_mistakes", ranking.entries.filter(\.isLikelyMistake).count)])
                result.add("graph_seconds", graphSeconds, digits: 3)
                lines.append(result)
            }
        }
        return lines
    }

    /// (4) A k-center greedy coreset from one given row, on pixels / 255 under L2.
    func kCenter() throws -> JSONLine {
        let n = inputs.manifest.labels.rows, d = inputs.manifest.images.dims
        let scaled = inputs.images[0..<(n * d)].map { $0 / 255 }
        var selection: SmartSelect.Selection?
        let time = try timed {
            let vectors = try RowVectors(scaled, dimensions: d, metric: .l2)
            selection = try SmartSelect.select(inputs.manifest.kcenter_picks, from: (0..<UInt32(n)).map { $0 },
                                               by: .diverse(start: .labelled([inputs.manifest.kcenter_start])), vectors: vectors,
                                               options: SmartSelect.Options(threads: threads))
        }
        guard let selection else { throw CurationError(.invalidArgument, "no selection") }
        try write(selection.rows, to: "loupe_kcenter.u32")
        log("loupe k-center: \(String(format: "%.2f s (%.2f s CPU)", time.wall, time.cpu)), covering radius \(selection.coveringRadius ?? .nan)")
        return line("kcenter", "\(selection.rows.count) picks of \(n) x \(d)", time: time)
    }
}
