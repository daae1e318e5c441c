/// Rows whose label disagrees with their neighbourhood (and, when given, with a model's
/// prediction), most suspicious first.
///
/// For row i with label y, its labelled neighbours vote with weight 1 / (distance + ε) (or
/// equally), giving a leave-one-out class distribution p_kNN(c) — the row's own label never
/// votes. With model probabilities, p(c) = (1 − α)·p_kNN(c) + α·p_model(c). The score is the
/// self-confidence ranking of cleanlab (Northcutt, Jiang & Chuang, "Confident Learning:
/// Estimating Uncertainty in Dataset Labels", JAIR 2021): 1 − p(y), so a row whose neighbours
/// all carry another label scores 1.
///
/// Each row is also flagged as a likely mistake by confident learning's per-class thresholds:
/// t_c is the mean p(c) over the rows labelled c, and row i is flagged when some other class c
/// has p(c) ≥ t_c; its suggested label is the most probable such class (or the most probable
/// class when none passes).
public enum LabelMistakes {
    /// How neighbours vote.
    public enum Weighting: Sendable, Equatable {
        /// Each labelled neighbour counts once.
        case uniform
        /// Nearer neighbours count more: 1 / (distance + ε), ε = 10⁻⁶ × the mean distance in the
        /// graph (so exact duplicates do not divide by zero).
        case inverseDistance
    }

    /// One scored row.
    public struct Entry: Sendable, Equatable {
        /// The row slot.
        public var row: UInt32
        /// Its given label.
        public var label: Int32
        /// 1 − p(label): higher is more suspicious.
        public var score: Double
        /// p(label) from the neighbours (and the model).
        public var labelProbability: Double
        /// The class confident learning suggests instead (the label itself when nothing else
        /// is more likely).
        public var suggestedLabel: Int32
        /// Confident learning flags the label as likely wrong.
        public var isLikelyMistake: Bool
    }

    /// The scored rows, most suspicious first (ties by lower row).
    public struct Ranking: Sendable {
        /// The entries, most suspicious first.
        public var entries: [Entry]
        /// Labelled rows left out because none of their neighbours is labelled (and no model
        /// probabilities were given).
        public var unscoredRows: [UInt32]
        /// The per-class thresholds t_c of confident learning (NaN for a class no row carries).
        public var classThresholds: [Double]

        /// The `n` most suspicious rows.
        public func top(_ n: Int) -> [UInt32] { entries.prefix(n).map(\.row) }
    }

    /// Ranks the labelled rows of `graph` by how likely their label is wrong.
    ///
    /// - Parameters:
    ///   - graph: the rows' nearest neighbours (`KNNGraph.build`); a k of 20–50 works better
    ///     than 10, since a larger neighbourhood separates a wrong label from a merely
    ///     ambiguous one.
    ///   - labels: the class of every row slot (−1 for an unlabelled row, which neither votes
    ///     nor is scored).
    ///   - classCount: the number of classes (default: the largest label + 1).
    ///   - predictions: optional model probabilities, `graph.rows.count × classCount`,
    ///     row-major in the order of `graph.rows`.
    ///   - modelWeight: α, the weight of the model against the neighbours (with predictions).
    /// - Throws: `CurationError` — `unknownRow` when labels do not cover the graph's rows,
    ///   `invalidArgument` for labels outside `0..<classCount`, predictions of the wrong shape or
    ///   with values outside [0, 1], or α outside [0, 1].
    /// - Complexity: O(rows · (k + classCount)) plus a sort.
    public static func rank(
        _ graph: KNNGraph, labels: [Int32], classCount: Int? = nil, weighting: Weighting = .inverseDistance,
        predictions: [Float]? = nil, modelWeight: Double = 0.5
    ) throws(CurationError) -> Ranking {
        let n = graph.rows.count
        let rowsNeeded = max(Int(graph.rows.last ?? 0), Int(graph.neighbors.max() ?? 0)) + 1
        guard labels.count >= rowsNeeded else {
            throw CurationError(.unknownRow, "labels cover \(labels.count) rows but the neighbour graph reaches row \(rowsNeeded - 1)")
        }
        let classes = classCount ?? Int(labels.max() ?? -1) + 1
        guard classes >= 1 else { throw CurationError(.invalidArgument, "no row is labelled") }
        if let bad = labels.firstIndex(where: { $0 < -1 || Int($0) >= classes }) {
            throw CurationError(.invalidArgument, "row \(bad) has label \(labels[bad]); labels are in 0..<\(classes), or −1 for unlabelled")
        }
        if let predictions {
            guard predictions.count == n * classes else {
                throw CurationError(.invalidArgument, "model predictions need \(n) rows × \(classes) classes = \(n * classes) values (got \(predictions.count))")
            }
            if let bad = predictions.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw CurationError(.invalidArgument, "model prediction \(bad % classes) of row \(graph.rows[bad / classes]) is \(predictions[bad]); probabilities are in [0, 1]")
            }
            guard modelWeight >= 0, modelWeight <= 1 else {
                throw CurationError(.invalidArgument, "the model weight must be in [0, 1] (got \(modelWeight))")
            }
        }
        let meanDistance = graph.distances.reduce(0) { $0 + Double($1) } / Double(max(graph.distances.count, 1))
        let epsilon = max(1e-6 * meanDistance, 1e-12)

        // p(c) per labelled row, row-major; nil where nothing votes.
        var probabilities = [Double](repeating: 0, count: n * classes)
        var scored = [Bool](repeating: false, count: n)
        var unscored: [UInt32] = []
        for i in 0..<n where labels[Int(graph.rows[i])] >= 0 {
            let p = i * classes
            var total = 0.0
            for (neighbor, distance) in zip(graph.neighbors(ofRowAt: i), graph.distances(ofRowAt: i)) {
                let label = labels[Int(neighbor)]
                guard label >= 0 else { continue }
                let weight = weighting == .uniform ? 1 : 1 / (Double(distance) + epsilon)
                probabilities[p + Int(label)] += weight
                total += weight
            }
            let hasVotes = total > 0
            if hasVotes { for c in 0..<classes { probabilities[p + c] /= total } }
            if let predictions {
                let alpha = hasVotes ? modelWeight : 1
                for c in 0..<classes {
                    probabilities[p + c] = (1 - alpha) * probabilities[p + c] + alpha * Double(predictions[p + c])
                }
            } else if !hasVotes {
                unscored.append(graph.rows[i])
                continue
            }
            scored[i] = true
        }

        // Confident learning's per-class thresholds: mean p(c) over rows labelled c.
        var sums = [Double](repeating: 0, count: classes), counts = [Int](repeating: 0, count: classes)
        for i in 0..<n where scored[i] {
            let label = Int(labels[Int(graph.rows[i])])
            sums[label] += probabilities[i * classes + label]
            counts[label] += 1
        }
        let thresholds = (0..<classes).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : .nan }

        var entries: [Entry] = []
        entries.reserveCapacity(n)
        for i in 0..<n where scored[i] {
            let label = Int(labels[Int(graph.rows[i])])
            let p = i * classes
            // The most probable other class, and the most probable one past its threshold.
            var other: Int?, passing: Int?
            for c in 0..<classes where c != label {
                if other.map({ probabilities[p + c] > probabilities[p + $0] }) ?? true { other = c }
                if probabilities[p + c] >= thresholds[c], passing.map({ probabilities[p + c] > probabilities[p + $0] }) ?? true { passing = c }
            }
            let own = probabilities[p + label]
            let suggested = passing ?? other.flatMap { probabilities[p + $0] > own ? $0 : nil } ?? label
            entries.append(Entry(row: graph.rows[i], label: Int32(label), score: 1 - own, labelProbability: own,
                                 suggestedLabel: Int32(suggested), isLikelyMistake: passing != nil))
        }
        entries.sort { $0.score != $1.score ? $0.score > $1.score : $0.row < $1.row }
        return Ranking(entries: entries, unscoredRows: unscored, classThresholds: thresholds)
    }
}
