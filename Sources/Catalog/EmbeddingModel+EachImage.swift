extension EmbeddingModel {
    /// Embeds `images` in one model call; when the model refuses the batch as bad input (an image
    /// that cannot be decoded, a decompression bomb), embeds them one at a time, so a bad file
    /// fails only itself. One result per image, in order.
    /// - Throws: any error other than bad input (`invalidArgument`), which would fail every image.
    public func embedEach(images: [[UInt8]]) async throws -> [Result<[Float], CatalogError>] {
        do {
            let vectors = try await embed(images: images)
            guard vectors.count == images.count else {
                throw CatalogError(.invalidArgument, "model '\(name)' returned \(vectors.count) vectors for \(images.count) images")
            }
            return vectors.map { .success($0) }
        } catch let error as CatalogError where error.code == .invalidArgument && images.count > 1 {
            var results: [Result<[Float], CatalogError>] = []
            for image in images {
                do {
                    guard let vector = try await embed(images: [image]).first else {
                        throw CatalogError(.invalidArgument, "model '\(name)' returned no vector")
                    }
                    results.append(.success(vector))
                } catch let error as CatalogError where error.code == .invalidArgument {
                    results.append(.failure(error))
                }
            }
            return results
        } catch let error as CatalogError where error.code == .invalidArgument {
            return [.failure(error)]
        }
    }
}
