import Catalog

extension EmbeddingModel {
    /// Embeds `images` in one model call; when that call fails, embeds them one at a time, so a
    /// file that cannot be decoded fails only itself. One result per image, in order.
    func embedEach(images: [[UInt8]]) async -> [Result<[Float], any Error>] {
        if let vectors = try? await embed(images: images), vectors.count == images.count {
            return vectors.map { .success($0) }
        }
        var results: [Result<[Float], any Error>] = []
        for image in images {
            do {
                guard let vector = try await embed(images: [image]).first else {
                    throw CLIError("the model returned no vector")
                }
                results.append(.success(vector))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }
}
