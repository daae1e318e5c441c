import Foundation
import VectorMath

extension UMAP {
    /// The stochastic gradient descent of umap-learn's `optimize_layout_euclidean`.
    ///
    /// Edge e is sampled every `epochsPerSample[e]` = max weight / weight epochs; each sample pulls
    /// its two ends together by the attractive gradient −2ab·d^(2(b−1)) / (1 + a·d^(2b)) and pushes
    /// the head away from `negativeSampleRate` random vertices by 2γb / ((0.001 + d²)(1 + a·d^(2b))),
    /// each coordinate's step clipped to ±4 and scaled by the learning rate α = α₀(1 − epoch/epochs).
    struct Layout {
        let heads: [Int32]
        let tails: [Int32]
        let epochsPerSample: [Double]
        let epochs: Int
        /// Edge ranges that start at a new head, one per worker slot.
        let vertexCount: Int

        init(graph: FuzzyGraph, epochs: Int) {
            var heads = [Int32](repeating: 0, count: graph.edgeCount)
            for i in 0..<graph.count { for e in graph.rowStart[i]..<graph.rowStart[i + 1] { heads[e] = Int32(i) } }
            self.heads = heads
            tails = graph.columns
            let heaviest = Double(graph.weights.max() ?? 0)
            epochsPerSample = graph.weights.map { w in
                let samples = Double(epochs) * Double(w) / heaviest
                return samples > 0 ? Double(epochs) / samples : -1
            }
            self.epochs = epochs
            vertexCount = graph.count
        }

        /// Moves `head` (row-major, `dim` wide) for `epochs` epochs. With `tail` nil the graph is
        /// on the head rows themselves and both ends of an edge move; otherwise edges point into
        /// the fixed `tail` rows and negative samples are drawn from them.
        mutating func optimize(
            head: inout [Float], tail: [Float]?, dim: Int, a: Float, b: Float, gamma: Float, initialAlpha: Float,
            negativeSampleRate: Int, seed: UInt64, threads: Int
        ) {
            let edgeCount = heads.count
            guard edgeCount > 0, epochs > 0 else { return }
            let moveOther = tail == nil
            let negativeCount = tail.map { $0.count / dim } ?? head.count / dim
            var nextSample = epochsPerSample
            let negativeEpochs = epochsPerSample.map { $0 / Double(max(negativeSampleRate, 1)) }
            var nextNegative = negativeEpochs
            // One generator per head vertex, used only by the worker that owns the vertex's edges.
            let headRows = head.count / dim
            var states = (0..<headRows).map { vertex -> UInt64 in
                var mix = SplitMix64(seed: seed ^ (UInt64(vertex) &* 0x9E37_79B9_7F4A_7C15))
                return mix.next() | 1
            }
            // Contiguous edge ranges that begin at a new head vertex.
            let workers = min(max(threads, 1), max(1, edgeCount / 4096))
            var bounds = [0]
            for w in 1..<workers {
                var e = max(bounds[w - 1], edgeCount * w / workers)
                while e < edgeCount && e > 0 && heads[e] == heads[e - 1] { e += 1 }
                bounds.append(e)
            }
            bounds.append(edgeCount)
            let ranges = (0..<workers).map { bounds[$0]..<bounds[$0 + 1] }
            let epochs = epochs, useNegatives = negativeSampleRate > 0
            let tailCopy = tail ?? []
            head.withUnsafeMutableBufferPointer { headBuffer in
                tailCopy.withUnsafeBufferPointer { tailBuffer in
                    heads.withUnsafeBufferPointer { heads in
                        tails.withUnsafeBufferPointer { tails in
                            epochsPerSample.withUnsafeBufferPointer { perSample in
                                negativeEpochs.withUnsafeBufferPointer { perNegative in
                                    nextSample.withUnsafeMutableBufferPointer { nextSample in
                                        nextNegative.withUnsafeMutableBufferPointer { nextNegative in
                                            states.withUnsafeMutableBufferPointer { states in
                                                // Hogwild (Recht et al. 2011): workers own disjoint edge ranges,
                                                // schedules and generators; coordinates of shared vertices are
                                                // updated without locks, as in umap-learn's parallel mode.
                                                let shared = UncheckedSendable((
                                                    head: headBuffer.baseAddress!, other: moveOther ? headBuffer.baseAddress! : UnsafeMutablePointer(mutating: tailBuffer.baseAddress!),
                                                    heads: heads.baseAddress!, tails: tails.baseAddress!, perSample: perSample.baseAddress!,
                                                    perNegative: perNegative.baseAddress!, nextSample: nextSample.baseAddress!,
                                                    nextNegative: nextNegative.baseAddress!, states: states.baseAddress!))
                                                // Each worker runs every epoch over its own edges without waiting
                                                // for the others: no barrier per epoch, so a worker that the
                                                // scheduler pauses does not stall the rest.
                                                Parallel.run(workers) { worker in
                                                    let s = shared.value
                                                    for epoch in 0..<epochs {
                                                        let alpha = initialAlpha * (1 - Float(epoch) / Float(epochs))
                                                        Self.epoch(
                                                            edges: ranges[worker], epoch: epoch, head: s.head, other: s.other,
                                                            heads: s.heads, tails: s.tails, perSample: s.perSample, perNegative: s.perNegative,
                                                            nextSample: s.nextSample, nextNegative: s.nextNegative, states: s.states,
                                                            dim: dim, a: a, b: b, gamma: gamma, alpha: alpha, moveOther: moveOther,
                                                            negativeCount: negativeCount, useNegatives: useNegatives)
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        @inline(__always)
        private static func clip(_ value: Float) -> Float { min(4, max(-4, value)) }

        /// xorshift64* on the vertex's state.
        @inline(__always)
        private static func nextRandom(_ state: UnsafeMutablePointer<UInt64>) -> UInt64 {
            var x = state.pointee
            x ^= x >> 12
            x ^= x << 25
            x ^= x >> 27
            state.pointee = x
            return x &* 0x2545_F491_4F6C_DD1D
        }

        private static func epoch(
            edges: Range<Int>, epoch: Int, head: UnsafeMutablePointer<Float>, other: UnsafeMutablePointer<Float>,
            heads: UnsafePointer<Int32>, tails: UnsafePointer<Int32>, perSample: UnsafePointer<Double>,
            perNegative: UnsafePointer<Double>, nextSample: UnsafeMutablePointer<Double>, nextNegative: UnsafeMutablePointer<Double>,
            states: UnsafeMutablePointer<UInt64>, dim: Int, a: Float, b: Float, gamma: Float, alpha: Float, moveOther: Bool,
            negativeCount: Int, useNegatives: Bool
        ) {
            let n = Double(epoch)
            for e in edges where perSample[e] > 0 && nextSample[e] <= n {
                let j = Int(heads[e]), k = Int(tails[e])
                let current = head + j * dim
                var target = other + k * dim
                var squared: Float = 0
                for d in 0..<dim {
                    let difference = current[d] - target[d]
                    squared += difference * difference
                }
                if squared > 0 {
                    let power = powf(squared, b)
                    let coefficient = -2 * a * b * (power / squared) / (a * power + 1)
                    for d in 0..<dim {
                        let gradient = clip(coefficient * (current[d] - target[d]))
                        current[d] += gradient * alpha
                        if moveOther { target[d] -= gradient * alpha }
                    }
                }
                nextSample[e] += perSample[e]
                guard useNegatives else { continue }
                let negatives = Int((n - nextNegative[e]) / perNegative[e])
                if negatives > 0 {
                    let state = states + j
                    for _ in 0..<negatives {
                        let sample = Int(nextRandom(state) % UInt64(negativeCount))
                        target = other + sample * dim
                        squared = 0
                        for d in 0..<dim {
                            let difference = current[d] - target[d]
                            squared += difference * difference
                        }
                        guard squared > 0 else { continue }
                        let coefficient = 2 * gamma * b / ((0.001 + squared) * (a * powf(squared, b) + 1))
                        for d in 0..<dim { current[d] += clip(coefficient * (current[d] - target[d])) * alpha }
                    }
                }
                nextNegative[e] += Double(max(negatives, 0)) * perNegative[e]
            }
        }
    }
}
