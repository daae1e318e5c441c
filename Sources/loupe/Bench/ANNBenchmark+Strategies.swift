import ArgumentParser
import Foundation
import VectorIndex
import VectorMath

/// The SimHash-LSH and IVF measurements of `loupe bench ann`, with the settings of their peers:
/// faiss `IndexLSH` + `IndexRefineFlat` as `ann_peers.py --libs lsh` runs it (the first
/// `--nq-flat-single` queries, codes of `--lsh-bits` bits, `k_factor` = `--lsh-kfactor`), and
/// faiss `IndexIVFFlat` / `IndexIVFScalarQuantizer` as `scripts/ivf_peer.py` runs it.
extension ANNBenchmark {
    /// One SimHash index per code length, searched at every rescoring factor.
    func runSimHash(bits: [Int], rescoreFactors: [Int], singleQueryCount: Int, centered: Bool) throws -> [JSONLine] {
        let queryCount = min(singleQueryCount, dataset.queryCount)
        var lines: [JSONLine] = []
        for codeBits in bits {
            let parameters = SimHashParameters(bitsPerTable: codeBits, tables: 1, mode: .scan, centered: centered,
                                               buildThreads: buildThreads)
            let index = try SimHashIndex(dimensions: dataset.dimensions, metric: .cosine, parameters: parameters)
            let build = try addAll(to: index)
            let name = centered ? "simhash" : "simhash-uncentred"
            let file = try saveAndLoad(index, name: "\(name)-\(codeBits)", load: { try SimHashIndex.load(from: $0) })
            log(String(format: "%@ %d bits: built in %.2f s, file %.1f MB", name, codeBits, build, file.megabytes))
            for factor in rescoreFactors {
                index.rescoreFactor = factor
                let single = try singleQueryPasses(index, queryCount: queryCount, options: .default)
                let batch = try batchPasses(index, options: .default, queryCount: queryCount)
                let setting = "SimHash \(codeBits)b scan\(centered ? " centred" : "") + rescore k_factor=\(factor)"
                var line = resultLine(index: name, setting: setting, build: build, single: single, batch: batch, file: file)
                line.add("bits", codeBits)
                line.add("k_factor", factor)
                line.add("codes_mb", Double(dataset.baseCount * codeBits / 8) / 1e6, digits: 3)
                line.add("queries", queryCount)
                log("\(name) \(codeBits)b k_factor=\(factor): \(Int(single.qps)) QPS, recall@10 \(String(format: "%.4f", dataset.recallAt10(single.ids)))")
                lines.append(line)
            }
        }
        return lines
    }
}

extension ANNBenchmark {
    /// One IVF index (trained on the base set, as faiss trains on it), searched at every nprobe
    /// with every query, as `scripts/ivf_peer.py` does.
    func runIVF(nlist: Int, nprobes: [Int], encoding: VectorEncoding?, rescoreFactor: Int, seeding: KMeans.Seeding) throws -> [JSONLine] {
        let parameters = IVFParameters(nlist: nlist, nprobe: nprobes.first ?? 1, encoding: encoding,
                                       rescoreFactor: rescoreFactor, seeding: seeding, buildThreads: buildThreads)
        let index = try IVFIndex(dimensions: dataset.dimensions, metric: .innerProduct, parameters: parameters)
        var build = try addAll(to: index)
        if !index.isTrained { build += try BenchClock.time { try index.train() } }
        let name = encoding.map { "ivf-\($0.rawValue)" } ?? "ivf"
        let file = try saveAndLoad(index, name: name, load: { try IVFIndex.load(from: $0) })
        let sizes = index.listSizes
        log(String(format: "%@ nlist=%d: trained and filled in %.2f s on %d threads, file %.1f MB, lists %d…%d",
                   name, nlist, build, buildThreads, file.megabytes, sizes.min() ?? 0, sizes.max() ?? 0))
        var lines: [JSONLine] = []
        for nprobe in nprobes {
            index.nprobe = nprobe
            let single = try singleQueryPasses(index, queryCount: dataset.queryCount, options: .default)
            let batch = try batchPasses(index, options: .default)
            let lists = encoding.map { "\($0.rawValue) codes + rescore k_factor=\(rescoreFactor)" } ?? "flat"
            var line = resultLine(index: name, setting: "IVF nlist=\(nlist) nprobe=\(nprobe) \(lists)", build: build,
                                  single: single, batch: batch, file: file)
            line.add("nlist", nlist)
            line.add("nprobe", nprobe)
            line.add("seeding", seeding.rawValue)
            line.add("resident_mb", Double(index.memoryBytes) / 1e6, digits: 3)
            line.add("scanned", try meanCandidatesScored(index), digits: 1)
            log("\(name) nprobe=\(nprobe): \(Int(single.qps)) QPS, recall@10 \(String(format: "%.4f", dataset.recallAt10(single.ids)))")
            lines.append(line)
        }
        return lines
    }
}

extension ANNBenchmark {
    /// The mean number of vectors each query scored (untimed).
    func meanCandidatesScored(_ index: some VectorIndex) throws -> Double {
        let d = dataset.dimensions
        var total = 0
        try dataset.queries.withUnsafeBufferPointer { queries in
            for q in 0..<dataset.queryCount {
                total += try index.search(UnsafeBufferPointer(rebasing: queries[q * d..<(q + 1) * d]), k: Self.k, options: .default).candidatesScored
            }
        }
        return Double(total) / Double(max(dataset.queryCount, 1))
    }
}

/// The options of `loupe bench ann` for SimHash and IVF, named as the peers name them.
struct StrategyOptions: ParsableArguments {
    @Option(help: "SimHash code lengths in bits (ann_peers.py --lsh-bits).")
    var lshBits = "256,1024"

    @Option(help: "SimHash rescoring factors: k · factor candidates rescored exactly (ann_peers.py --lsh-kfactor).")
    var lshKfactor = "10,50"

    @Option(help: "IVF lists.")
    var nlist = 1024

    @Option(help: "Comma list of IVF nprobe values.")
    var nprobe = "1,2,4,8,16,32,64"

    @Option(help: "IVF with int8 lists: k · factor candidates rescored exactly.")
    var ivfRescore = 10

    @Option(help: "How the IVF k-means picks its first centroids: kMeansPlusPlus or randomPoints.")
    var ivfSeeding = IVFParameters().seeding.rawValue
}

extension String {
    /// The integers of a comma list.
    var integers: [Int] { split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
}

extension StrategyOptions {
    /// The IVF seeding asked for.
    func seeding() throws -> KMeans.Seeding {
        guard let seeding = KMeans.Seeding(rawValue: ivfSeeding) else {
            throw ValidationError("unknown seeding '\(ivfSeeding)' (known: kMeansPlusPlus, randomPoints)")
        }
        return seeding
    }
}
