import Dispatch
import VectorMath

/// Static splitting of row- or image-shaped work between threads.
public enum ParallelWork {
    /// Splits `0..<count` into `workers` contiguous ranges (the first ones one longer when it
    /// does not divide) and calls `body(range, worker)` for each non-empty one, concurrently
    /// when there is more than one. `body` must only write memory that its range owns.
    public static func forEachRange(count: Int, workers: Int, _ body: (Range<Int>, Int) -> Void) {
        let workers = max(1, min(workers, count))
        guard workers > 1 else {
            if count > 0 { body(0..<count, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // UncheckedSendable: each worker gets a disjoint range; the callers' bodies write
            // only the outputs of their range (see each call site).
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let range = Self.range(worker, of: workers, count: count)
                if !range.isEmpty { shared.value(range, worker) }
            }
        }
    }

    /// The `worker`-th of `workers` contiguous ranges covering `0..<count`.
    public static func range(_ worker: Int, of workers: Int, count: Int) -> Range<Int> {
        let base = count / workers, extra = count % workers
        let start = worker * base + min(worker, extra)
        return start..<(start + base + (worker < extra ? 1 : 0))
    }

    /// Shares the output rows of `images` images of `rowsPerImage` rows between `workers`
    /// threads, calling `body(image, rows)` for each image's piece of each thread's share.
    /// `body` must only write the outputs of its rows.
    public static func forEachImageRows(images: Int, rowsPerImage: Int, workers: Int, _ body: (Int, Range<Int>) -> Void) {
        forEachRange(count: images * rowsPerImage, workers: workers) { rows, _ in
            forEachImage(in: rows, rowsPerImage: rowsPerImage, body)
        }
    }

    /// Calls `body(image, rows)` for the pieces of `rows`, a range of rows counted across a batch
    /// of images of `rowsPerImage` rows each, that fall in each image.
    public static func forEachImage(in rows: Range<Int>, rowsPerImage: Int, _ body: (Int, Range<Int>) -> Void) {
        var row = rows.lowerBound
        while row < rows.upperBound {
            let image = row / rowsPerImage
            let end = min(rows.upperBound, (image + 1) * rowsPerImage)
            body(image, (row - image * rowsPerImage)..<(end - image * rowsPerImage))
            row = end
        }
    }
}
