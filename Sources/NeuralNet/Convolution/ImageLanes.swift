/// How a batch of images runs through a convolutional network on `threads` threads: as lanes
/// that each take a contiguous share of the images and run them through every layer with their
/// own scratch, one micro-batch at a time. Lanes need no synchronisation between layers and keep
/// their activations in their own cache; when there are fewer images than threads, a lane's
/// layers split their rows between the threads left over.
public struct ImageLanes: Sendable {
    /// Threads in all.
    public let threads: Int
    /// Images a lane pushes through the network together (1 keeps activations smallest).
    public let microBatch: Int

    public init(threads: Int, microBatch: Int = 1) {
        self.threads = max(1, threads)
        self.microBatch = max(1, microBatch)
    }

    /// Runs `body(images, scratch, threadsPerLayer)` for every micro-batch of `0..<count`
    /// images. Each lane has its own scratch from `pool`: `scratchPerLane` floats, followed by
    /// `scratchPerImage` floats for each image of its micro-batch. OpenBLAS is kept at one thread
    /// per call meanwhile (see `BLASThreads`). `body` must only write the outputs of its own images.
    public func run(
        count: Int, scratchPerImage: Int, scratchPerLane: Int, pool: ScratchPool,
        _ body: (Range<Int>, UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        guard count > 0 else { return }
        let lanes = min(threads, count)
        let threadsPerLayer = max(1, threads / lanes)
        let step = min(microBatch, (count + lanes - 1) / lanes)
        BLASThreads.withSingleThreadedCalls {
            ParallelWork.forEachRange(count: count, workers: lanes) { images, _ in
                pool.withBuffer(count: scratchPerImage * step + scratchPerLane) { scratch in
                    var start = images.lowerBound
                    while start < images.upperBound {
                        let end = min(images.upperBound, start + step)
                        body(start..<end, scratch, threadsPerLayer)
                        start = end
                    }
                }
            }
        }
    }
}
