/// How a batch of images runs through a convolutional network on `threads` threads: as lanes
/// that each take a contiguous share of the images and run them through every layer with their
/// own scratch. Lanes need no synchronisation between layers and keep their activations in their
/// own cache; when there are fewer images than threads, a lane's layers split their rows between
/// the threads left over.
///
/// Within a lane a model chooses how many images go through a layer together: one at a time
/// while the feature maps are large (each layer's output is still in cache for the next), all
/// of the lane's images at once once they are small (a 7×7 map makes a 49-row gemm per image,
/// too short to repay packing the layer's weights).
public struct ImageLanes: Sendable {
    /// Threads in all.
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// The most images one lane takes of a batch of `count`.
    public func imagesPerLane(count: Int) -> Int {
        let lanes = max(1, min(threads, count))
        return (count + lanes - 1) / lanes
    }

    /// Runs `body(images, scratch, threadsPerLayer)` once per lane, each with its share of
    /// `0..<count` and `scratchCount` floats of its own scratch from `pool`. OpenBLAS is kept at
    /// one thread per call meanwhile (see `BLASThreads`). `body` must only write the outputs of
    /// its own images.
    public func run(
        count: Int, scratchCount: Int, pool: ScratchPool, _ body: (Range<Int>, UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        guard count > 0 else { return }
        let lanes = min(threads, count)
        let threadsPerLayer = max(1, threads / lanes)
        BLASThreads.withSingleThreadedCalls {
            ParallelWork.forEachRange(count: count, workers: lanes) { images, _ in
                pool.withBuffer(count: scratchCount) { scratch in body(images, scratch, threadsPerLayer) }
            }
        }
    }
}
