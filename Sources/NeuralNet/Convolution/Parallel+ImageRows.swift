/// Work shaped like the output rows of a batch of images, for the convolution layers.
extension Parallel {
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
