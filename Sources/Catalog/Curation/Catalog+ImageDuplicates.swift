import Curation
import Dispatch
import Encoders
import Foundation

extension Catalog {
    /// The largest Hamming distance `nearDuplicateImages` accepts: past about 20 of 64 bits,
    /// unrelated pictures start to match.
    public static let maximumImageHashDistance = 32

    /// Groups of image rows whose 64-bit perceptual hashes (`ImageHash.perceptual`, the
    /// `imagehash` package's pHash) differ in at most `maxDistance` bits, with one representative
    /// per group (the member most similar to the rest).
    ///
    /// No space is needed: each image row's file is decoded and hashed on `configuration.threads`
    /// cores (decoding dominates, a few milliseconds per photo) the first time, and the hash is
    /// kept with the row (`ImageSignature`, reused while the file's path, size and modification
    /// time stay the same); then every pair of hashes is compared (Curation's
    /// `NearDuplicates.hashes`, exact).
    /// pHash survives resizing, re-encoding, brightness changes and light noise, not crops or
    /// shifts of more than a few percent (docs/curation-select.md has the measured recall).
    /// - Parameter filter: only image rows it lets through are compared.
    /// A row whose file cannot be read or decoded (missing, truncated, over the decoder's pixel
    /// limit) is left out and listed in the report's `skipped` with the reason.
    /// - Throws: `notFound`; `invalidArgument` for a distance outside 0...`maximumImageHashDistance`,
    ///   no image rows, or no image row that can be read (naming the first and its file).
    public func nearDuplicateImages(in dataset: String, maxDistance: Int, filter: RowFilter = RowFilter()) async throws -> DuplicateReport {
        guard (0...Self.maximumImageHashDistance).contains(maxDistance) else {
            throw CatalogError.invalid("the Hamming distance of image hashes must be in 0...\(Self.maximumImageHashDistance) bits (got \(maxDistance))")
        }
        let (dataset, slots, signatures, skipped) = try await readableImageRows(in: dataset, filter: filter)
        let hashes = signatures.map(\.perceptualHash)
        let result = try curating("near-duplicate images in dataset '\(dataset.name)'") { () throws(CurationError) in
            try NearDuplicates.hashes(hashes, maxDistance: maxDistance, threads: configuration.threads)
        }
        var report = try await report(result, kind: "images", threshold: Double(maxDistance), slots: slots, datasetID: dataset.id)
        report.skipped = skipped
        return report
    }

    /// Groups of image rows that are copies of one picture — resized, re-encoded, brightened or
    /// darkened, lightly noised or shifted by a few percent — by pixel correlation, with one
    /// representative per group (the member with the largest sum of scores to its pairs).
    ///
    /// Each image row's file is decoded and reduced to a 24 × 24 gray thumbnail
    /// (`ImageThumbnail`) on `configuration.threads` cores the first time, and the thumbnail is
    /// kept with the row (`ImageSignature`, reused while the file's path, size and modification
    /// time stay the same); then Curation's
    /// `NearDuplicates.images` finds candidate pairs by the cosine of 8 × 8 averages and keeps
    /// those whose `ImageCorrelation` score — the best normalised cross-correlation over shifts
    /// of up to 2 pixels, either side optionally blurred — is at least `threshold`. Unlike pHash,
    /// this survives a picture that went through a smaller size (a blur), and tells apart two
    /// different pictures of the same kind. 0.99 is a good start (docs/curation-select.md has
    /// the measured recall and precision); lower values join different but similar pictures.
    /// - Parameter filter: only image rows it lets through are compared.
    /// A row whose file cannot be read or decoded (missing, truncated, over the decoder's pixel
    /// limit) is left out and listed in the report's `skipped` with the reason.
    /// - Throws: `notFound`; `invalidArgument` for a threshold outside (0, 1], no image rows, or
    ///   no image row that can be read (naming the first and its file).
    public func nearDuplicateImages(in dataset: String, threshold: Double, filter: RowFilter = RowFilter()) async throws -> DuplicateReport {
        guard threshold > 0 && threshold <= 1 else {
            throw CatalogError.invalid("the image correlation threshold must be in (0, 1] (got \(threshold))")
        }
        let (dataset, slots, signatures, skipped) = try await readableImageRows(in: dataset, filter: filter)
        let result = try curating("near-duplicate images in dataset '\(dataset.name)'") { () throws(CurationError) in
            try NearDuplicates.images(signatures.flatMap(\.thumbnail), side: ImageThumbnail.defaultSide, threshold: Float(threshold),
                                      threads: configuration.threads)
        }
        var report = try await report(result, kind: "images", threshold: threshold, slots: slots, datasetID: dataset.id)
        report.skipped = skipped
        return report
    }

    /// The image rows `filter` lets through whose files can be read, in slot order, with their
    /// signatures, and the rows that cannot, with the reason.
    /// - Throws: `notFound`; `invalidArgument` when there are no image rows, or none can be read.
    private func readableImageRows(in dataset: String, filter: RowFilter) async throws
        -> (dataset: Dataset, slots: [UInt32], signatures: [ImageSignature], skipped: [SkippedRow]) {
        let (dataset, slots, ids, files) = try await imageRows(in: dataset, filter: filter)
        let read = try await imageSignatures(datasetID: dataset.id, slots: slots, ids: ids, files: files)
        var kept: [UInt32] = [], signatures: [ImageSignature] = [], skipped: [SkippedRow] = []
        for (i, result) in read.enumerated() {
            switch result {
            case .success(let signature):
                kept.append(slots[i])
                signatures.append(signature)
            case .failure(let reason):
                skipped.append(SkippedRow(rowID: ids[i], reason: reason.message))
            }
        }
        if kept.isEmpty, let first = skipped.first {
            let others = skipped.count > 1 ? " (nor can the other \(skipped.count - 1))" : ""
            throw CatalogError(.invalidArgument, "no image row of dataset '\(dataset.name)' can be read: row '\(first.rowID)': \(first.reason)\(others)")
        }
        return (dataset, kept, signatures, skipped)
    }

    /// The dataset's image rows that `filter` lets through, in slot order, with their files.
    /// - Throws: `notFound`; `invalidArgument` when there are none.
    private func imageRows(in dataset: String, filter: RowFilter) async throws
        -> (dataset: Dataset, slots: [UInt32], ids: [String], files: [String?]) {
        let dataset = try await store.dataset(dataset)
        var imageFilter = filter
        imageFilter.mediaTypes = [.image]
        var slots: [UInt32] = [], ids: [String] = [], files: [String?] = []
        var after: UInt32?
        while true {
            let page = try await store.rowBatch(datasetID: dataset.id, filter: imageFilter, after: after, limit: StoredVectors.pageSize)
            guard let last = page.last else { break }
            after = last.slot
            for (slot, row) in page {
                slots.append(slot)
                ids.append(row.id)
                files.append(RowContent.filePath(of: row))
            }
        }
        guard !slots.isEmpty else { throw CatalogError.invalid("dataset '\(dataset.name)' has no image rows among the rows asked for") }
        return (dataset, slots, ids, files)
    }

    /// The signature (pHash and thumbnail) of each image row's file: the stored one while the row
    /// names the same path and the file has the same size and modification time, else the file
    /// decoded once on `configuration.threads` cores and the new signatures stored.
    /// A row whose file is missing, not local or not a decodable image gets the reason instead.
    func imageSignatures(datasetID: String, slots: [UInt32], ids: [String], files: [String?]) async throws
        -> [Result<ImageSignature, ImageReadFailure>] {
        let stored = try await store.imageSignatures(datasetID: datasetID, slots: slots)
        let side = ImageThumbnail.defaultSide
        var signatures = [Result<ImageSignature, ImageReadFailure>?](repeating: nil, count: slots.count)
        var stale: [Int] = []
        for i in slots.indices {
            if let file = files[i], let old = stored[slots[i]], old.file == file, old.thumbnailSide == side,
               let now = Self.fileStamp(file), now.size == old.fileSize, now.modified == old.modified {
                signatures[i] = .success(old)
            } else {
                stale.append(i)
            }
        }
        guard !stale.isEmpty else { return signatures.compactMap { $0 } }
        let fresh = Self.readImages(stale.map { files[$0] }, threads: configuration.threads) { file, decoder in
            // The stamp is taken before decoding: a file changed meanwhile is read again next time.
            let stamp = Self.fileStamp(file)
            let image = try decoder.decode(file: file)
            return ImageSignature(file: file, fileSize: stamp?.size ?? -1, modified: stamp?.modified ?? -1,
                                  perceptualHash: ImageHash.perceptual(of: image).bits, thumbnailSide: side,
                                  thumbnail: ImageThumbnail(of: image, side: side).pixels)
        }
        for (k, i) in stale.enumerated() { signatures[i] = fresh[k] }
        // Stored in transactions of 4,096 rows (about 2.5 MB of thumbnails each).
        let storable = zip(stale, fresh).compactMap { i, result -> (slot: UInt32, signature: ImageSignature)? in
            guard case .success(let signature) = result, signature.fileSize >= 0 else { return nil }
            return (slots[i], signature)
        }
        for start in stride(from: 0, to: storable.count, by: 4096) {
            try await store.putImageSignatures(datasetID: datasetID, Array(storable[start..<min(storable.count, start + 4096)]))
        }
        return signatures.compactMap { $0 }
    }

    /// A file's size and modification time (nanoseconds since 1970), or nil when it cannot be stat'ed.
    static func fileStamp(_ path: String) -> (size: Int64, modified: Int64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    /// `signature(file, decoder)` of each file, computed in chunks on `threads` cores, or why
    /// the file is missing, not local or not a decodable image.
    static func readImages<Signature: Sendable>(
        _ files: [String?], threads: Int, _ signature: @Sendable (String, ImageDecoder) throws -> Signature
    ) -> [Result<Signature, ImageReadFailure>] {
        var values = [Signature?](repeating: nil, count: files.count)
        var failures = [String?](repeating: nil, count: files.count)
        let chunk = 16
        let chunks = (files.count + chunk - 1) / chunk
        let decoder = ImageDecoder()
        values.withUnsafeMutableBufferPointer { values in
            failures.withUnsafeMutableBufferPointer { failures in
                // Each chunk writes only its own range of both buffers.
                let shared = UncheckedSendableBox((values: values, failures: failures))
                let workers = max(1, min(threads, chunks))
                // Worker w takes chunks w, w + workers, …: no shared counter, and chunks are small.
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for item in stride(from: worker, to: chunks, by: workers) {
                        for i in (item * chunk)..<min(files.count, (item + 1) * chunk) {
                            guard let file = files[i] else {
                                shared.value.failures[i] = "its row data is not a local file (only paths and file:// URIs are read)"
                                continue
                            }
                            do {
                                shared.value.values[i] = try signature(file, decoder)
                            } catch {
                                shared.value.failures[i] = (error as? ImageError)?.message ?? "\(error)"
                            }
                        }
                    }
                }
            }
        }
        return files.indices.map { i in
            if let value = values[i] { return .success(value) }
            return .failure(ImageReadFailure(message: failures[i] ?? "the image could not be read"))
        }
    }
}

/// Why an image row's file could not be read.
struct ImageReadFailure: Error, Sendable {
    var message: String
}
