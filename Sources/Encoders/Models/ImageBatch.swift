import NeuralNet

/// Checks on the batches image encoders take, and the buffers their layers rotate through.
enum ImageBatch {
    /// (images, height, width) of an `N × channels × H × W` batch.
    /// - Throws: `EncoderError` `.invalidArgument` saying what is wrong: the rank, the channels,
    ///   an empty batch, or the first image holding a value that is not finite.
    static func validate(_ batch: Tensor, channels: Int = 3, model: String) throws -> (count: Int, height: Int, width: Int) {
        guard batch.rank == 4, batch.shape[1] == channels, batch.shape[0] > 0, batch.shape[2] > 0, batch.shape[3] > 0 else {
            throw EncoderError(
                .invalidArgument, "\(model) takes a batch of N × \(channels) × H × W preprocessed images, got a tensor of shape \(batch.shape)")
        }
        let perImage = channels * batch.shape[2] * batch.shape[3]
        if let bad = batch.storage.firstIndex(where: { !$0.isFinite }) {
            throw EncoderError(.invalidArgument, "\(model): image \(bad / perImage) of the batch holds a value that is not finite (\(batch.storage[bad]))")
        }
        return (batch.shape[0], batch.shape[2], batch.shape[3])
    }
}
