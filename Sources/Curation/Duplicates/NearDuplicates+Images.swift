import VectorMath

extension NearDuplicates {
    /// The most memory `images` spends on thumbnails prepared once up front (about 7 KB each
    /// at 24 pixels: some 37,000 thumbnails); past it each pair's second thumbnail is prepared
    /// as it is met.
    public static let imagePreparedBudget = 256 << 20

    /// One worker's prepared thumbnails and scratch for `images`.
    final class ImageVerifier {
        var first: ImageCorrelation.Prepared
        var second: ImageCorrelation.Prepared
        var scratch: ImageCorrelation.Prepared.Scratch

        init(measure: ImageCorrelation) {
            first = ImageCorrelation.Prepared(measure: measure)
            second = ImageCorrelation.Prepared(measure: measure)
            scratch = ImageCorrelation.Prepared.Scratch(measure: measure)
        }
    }

    /// The cosine bound under which two thumbnails' coarse vectors are not verified, for a
    /// verification threshold: `max(0.5, 1 − 20·(1 − threshold))` — 0.84 at 0.992, 0.80 at 0.99, 0.60 at 0.98.
    ///
    /// Measured on the planted copies of `scripts/bench-image-hash-dups.sh`: every pair verified
    /// at 0.99 had a coarse cosine of at least 0.878 (Fashion-MNIST, a one-pixel shift of a
    /// 28-pixel picture) and 0.947 (clip art).
    public static func imageCandidateBound(threshold: Float) -> Float {
        max(0.5, 1 - 20 * (1 - threshold))
    }

    /// The near-duplicate pairs and groups among image thumbnails: pairs whose `ImageCorrelation`
    /// score (the best zero-mean normalised cross-correlation over small translations and a blur
    /// of either side) is at least `threshold`.
    ///
    /// Two steps, as in copy detection:
    /// 1. candidates: each thumbnail averaged down to `side/3` × `side/3` cells (8 × 8 at 24),
    ///    made zero-mean and unit-length, and every pair whose cosine is at least
    ///    `imageCandidateBound(threshold:)` found by the exact threshold join of `vectors` (blocked
    ///    sgemm; an HNSW graph past `exactLimit` rows);
    /// 2. verification: each candidate pair scored by `ImageCorrelation` on `threads` cores
    ///    (every thumbnail prepared once when they fit in `preparedBudget`).
    ///
    /// Blank thumbnails (all pixels equal) have no correlation and join no pair. The answer is
    /// not exact (`isExact` is false): a pair whose coarse cosine falls under the bound is never
    /// verified.
    /// - Parameters:
    ///   - thumbnails: `count` thumbnails of `side` × `side` 8-bit gray pixels, row-major, one
    ///     after another.
    ///   - rows: the row slot of each thumbnail (default: its position).
    ///   - threshold: the smallest score of a pair, in (0, 1].
    ///   - maxShift: the largest translation tried, in pixels.
    ///   - maxPairs: the most pairs (candidates or answers) a call may hold.
    ///   - preparedBudget: the most bytes of thumbnails prepared once up front (the same answer
    ///     either way; past it, slower).
    /// - Throws: `CurationError` — `invalidArgument` for a threshold outside (0, 1], a bad side
    ///   or shift, pixels that are not whole thumbnails, or repeated rows; `unknownRow` for
    ///   mismatched rows; `limitExceeded` past `maxPairs`.
    /// - Complexity: the candidate join (O(n²·s²/9) at sgemm speed), then O(c·(2·maxShift+1)²·s²)
    ///   for c candidate pairs of s-pixel thumbnails.
    public static func images(
        _ thumbnails: [UInt8], side: Int = ImageCorrelation.defaultSide, rows: [UInt32]? = nil, threshold: Float,
        maxShift: Int = ImageCorrelation.defaultMaxShift, representative: Representative = .mostCentral,
        threads: Int? = nil, maxPairs: Int = defaultMaxPairs, preparedBudget: Int = imagePreparedBudget
    ) throws(CurationError) -> Result {
        let threads = try Parallel.threads(threads)
        guard threshold > 0 && threshold <= 1 else {
            throw CurationError(.invalidArgument, "the image correlation threshold must be in (0, 1] (got \(threshold))")
        }
        let measure = try ImageCorrelation(side: side, maxShift: maxShift)
        let pixels = side * side
        guard thumbnails.count % pixels == 0 else {
            throw CurationError(.invalidArgument, "\(thumbnails.count) pixels are not whole \(side)×\(side) thumbnails")
        }
        let count = thumbnails.count / pixels
        let ids = rows ?? (0..<UInt32(count)).map { $0 }
        guard ids.count == count else { throw CurationError(.unknownRow, "\(count) thumbnails but \(ids.count) row slots") }
        guard Set(ids).count == ids.count else { throw CurationError(.invalidArgument, "the row slots of the thumbnails repeat") }
        try validate(representative, rows: ids)
        guard count > 1 else { return Result(pairs: [], groups: [], isExact: false, candidatesScored: 0, saturatedRows: 0) }

        // 1. Candidates from the coarse vectors; blank ones (no spread) are left out.
        let cell = max(1, side / 8), cells = side / cell
        let dimensions = cells * cells
        var coarse: [Float] = []
        var usable: [UInt32] = []
        for i in 0..<count {
            var vector = [Float](repeating: 0, count: dimensions)
            for y in 0..<(cells * cell) {
                for x in 0..<(cells * cell) { vector[(y / cell) * cells + x / cell] += Float(thumbnails[i * pixels + y * side + x]) }
            }
            let mean = vector.reduce(0, +) / Float(dimensions)
            var norm: Float = 0
            for d in 0..<dimensions {
                vector[d] -= mean
                norm += vector[d] * vector[d]
            }
            // A coarse vector with no spread is a blank picture: it scores 0 against anything.
            guard norm > Float(dimensions * cell * cell * cell * cell) * 1e-2 else { continue }
            let scale = 1 / norm.squareRoot()
            coarse.append(contentsOf: vector.map { $0 * scale })
            usable.append(UInt32(i))
        }
        guard usable.count > 1 else { return Result(pairs: [], groups: [], isExact: false, candidatesScored: 0, saturatedRows: 0) }
        // Pairs of positions in `usable`, ordered by first then second: so are the thumbnails'.
        // Up to `exactLimit` rows the exact join itself (the groups `vectors` would add are not needed).
        let coarseVectors = try RowVectors(coarse, dimensions: dimensions, metric: .cosine)
        let bound = imageCandidateBound(threshold: threshold)
        let joined = usable.count <= exactLimit
            ? canonical(try ThresholdJoin.pairs(coarseVectors, rows: (0..<UInt32(usable.count)).map { $0 }, threshold: bound, threads: threads,
                                                maxPairs: maxPairs))
            : try vectors(coarseVectors, threshold: bound, representative: .earliestRow, threads: threads, maxPairs: maxPairs).pairs
        let candidates = joined
            .map { Pair(first: usable[Int($0.first)], second: usable[Int($0.second)], score: $0.score) }

        // 2. Verification, candidates grouped by their first thumbnail. Every thumbnail of a
        // candidate pair is prepared once up front when they fit in `preparedBudget`;
        // otherwise each worker prepares the second of every pair as it meets it.
        var starts: [Int] = []
        for (k, pair) in candidates.enumerated() where k == 0 || candidates[k - 1].first != pair.first { starts.append(k) }
        starts.append(candidates.count)
        var involved = [Bool](repeating: false, count: count)
        for pair in candidates {
            involved[Int(pair.first)] = true
            involved[Int(pair.second)] = true
        }
        let prepareAll = involved.lazy.filter { $0 }.count * ImageCorrelation.Prepared.bytes(measure: measure) <= preparedBudget
        let workers = Parallel.workers(items: starts.count - 1, threads: threads)
        let findings = (0..<workers).map { _ in Findings() }
        let scratch = (0..<workers).map { _ in ImageVerifier(measure: measure) }
        var prepared = [ImageCorrelation.Prepared?](repeating: nil, count: prepareAll ? count : 0)
        thumbnails.withUnsafeBufferPointer { thumbnails in
            func pixelsOf(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: thumbnails[i * pixels..<(i + 1) * pixels]) }
            prepared.withUnsafeMutableBufferPointer { table in
                // Each item writes only its own entries of `table`, each worker only its own scratch.
                let shared = UncheckedSendable((table: table, scratch: scratch))
                if prepareAll {
                    let chunk = 64
                    Parallel.forEach(items: (count + chunk - 1) / chunk, threads: threads) { worker, item in
                        let mine = shared.value.scratch[worker]
                        for i in (item * chunk)..<min(count, (item + 1) * chunk) where involved[i] {
                            var entry = ImageCorrelation.Prepared(measure: measure)
                            entry.load(pixelsOf(i), measure: measure, scratch: &mine.scratch)
                            shared.value.table[i] = entry
                        }
                    }
                }
                let work = UncheckedSendable((table: UnsafeBufferPointer(table), findings: findings, scratch: scratch, candidates: candidates, starts: starts))
                Parallel.forEach(items: starts.count - 1, threads: threads) { worker, item in
                    let mine = work.value.findings[worker], verifier = work.value.scratch[worker]
                    guard mine.pairs.count <= maxPairs else { return }
                    let candidates = work.value.candidates, table = work.value.table
                    let first = Int(candidates[work.value.starts[item]].first)
                    if !prepareAll { verifier.first.load(pixelsOf(first), measure: measure, scratch: &verifier.scratch) }
                    for k in work.value.starts[item]..<work.value.starts[item + 1] {
                        let second = Int(candidates[k].second)
                        let score: Float
                        if prepareAll, let a = table[first], let b = table[second] {
                            score = measure.score(a, b)
                        } else {
                            verifier.second.load(pixelsOf(second), measure: measure, scratch: &verifier.scratch)
                            score = measure.score(verifier.first, verifier.second)
                        }
                        mine.scored += 1
                        if score >= threshold {
                            let (x, y) = (ids[first], ids[second])
                            mine.pairs.append(Pair(first: min(x, y), second: max(x, y), score: score))
                        }
                    }
                }
            }
        }
        let pairs = try merged(findings, maxPairs: maxPairs, threshold: "\(threshold) (image correlation)")
        return Result(pairs: pairs, groups: groups(of: pairs, representative: representative, centrality: pairCentrality(pairs)),
                      isExact: false, candidatesScored: candidates.count + findings.reduce(0) { $0 + $1.scored }, saturatedRows: 0)
    }
}
