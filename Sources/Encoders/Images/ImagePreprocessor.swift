/// The resize → centre crop → normalise pipeline that turns a decoded image into a network's
/// input tensor, with the sizes, rounding rules and mean/std as configuration.
///
/// Steps, for an image of `w` × `h`:
/// 1. Resize so the shorter side is `shorterSide`; the longer side is
///    `longer · shorterSide / shorter`, rounded by `longSideRounding`. `filter` resamples
///    (bit-exact with Pillow).
/// 2. Crop `cropWidth` × `cropHeight` from the centre; the offset `(resized − crop) / 2` is
///    rounded by `cropOffsetRounding`. Only the crop is computed.
/// 3. Normalise each channel `c`: `x = (p · pixelScale − mean[c]) / std[c]`, in Float32.
/// 4. Lay out channel-first: C × H × W per image, images one after another (NCHW).
///
/// The presets follow their references exactly: `efficientNetLite` the EfficientNet-Lite0
/// reference in `shared/reference`, `imageNet` Hugging Face's image processor of
/// microsoft/resnet-50, `clip` Hugging Face's `CLIPImageProcessor`.
public struct ImagePreprocessor: Sendable, Hashable {
    /// How a fractional size or offset becomes whole pixels.
    public enum Rounding: Sendable, Hashable {
        /// Python's `round()`: to nearest, ties to even.
        case nearestEven
        /// Python's `int()` / `//` on non-negative values: toward zero.
        case down

        func apply(_ value: Double) -> Int {
            Int(self == .nearestEven ? value.rounded(.toNearestOrEven) : value.rounded(.towardZero))
        }
    }

    /// The resized image's shorter side.
    public internal(set) var shorterSide: Int
    /// How the resized longer side is rounded.
    public internal(set) var longSideRounding: Rounding
    /// The crop's width.
    public internal(set) var cropWidth: Int
    /// The crop's height.
    public internal(set) var cropHeight: Int
    /// How the crop's offset is rounded.
    public internal(set) var cropOffsetRounding: Rounding
    /// The resampling filter.
    public internal(set) var filter: ResampleFilter
    /// What a pixel value (0...255) is multiplied by before the mean is subtracted.
    public internal(set) var pixelScale: Float
    /// Per-channel mean (R, G, B), in the units of `p · pixelScale`.
    public internal(set) var mean: [Float]
    /// Per-channel standard deviation (R, G, B), in the same units.
    public internal(set) var std: [Float]

    /// A configuration; see the type's documentation for what each value does.
    /// - Throws: `ImageError.invalidArgument` when a size is not positive, the crop is larger
    ///   than the resized shorter side, or `mean`/`std` do not have three values (with no
    ///   zero std).
    public init(
        shorterSide: Int, longSideRounding: Rounding, cropWidth: Int, cropHeight: Int, cropOffsetRounding: Rounding,
        filter: ResampleFilter = .bicubic, pixelScale: Float, mean: [Float], std: [Float]
    ) throws {
        guard shorterSide > 0, cropWidth > 0, cropHeight > 0, shorterSide <= ImageResizer.maximumSide else {
            throw ImageError(.invalidArgument, "preprocessing sizes must be positive: shorter side \(shorterSide), crop \(cropWidth)×\(cropHeight)")
        }
        guard cropWidth <= shorterSide, cropHeight <= shorterSide else {
            throw ImageError(.invalidArgument, "a \(cropWidth)×\(cropHeight) crop does not fit in an image resized to a shorter side of \(shorterSide)")
        }
        guard mean.count == 3, std.count == 3, std.allSatisfy({ $0 != 0 && $0.isFinite }), mean.allSatisfy(\.isFinite), pixelScale.isFinite else {
            throw ImageError(.invalidArgument, "mean and std need three finite values each (std non-zero): mean \(mean), std \(std)")
        }
        self.init(
            checkedShorterSide: shorterSide, longSideRounding: longSideRounding, cropWidth: cropWidth, cropHeight: cropHeight,
            cropOffsetRounding: cropOffsetRounding, filter: filter, pixelScale: pixelScale, mean: mean, std: std)
    }

    /// The memberwise initialiser, for values already checked (the public initialiser, the presets).
    init(
        checkedShorterSide shorterSide: Int, longSideRounding: Rounding, cropWidth: Int, cropHeight: Int, cropOffsetRounding: Rounding,
        filter: ResampleFilter, pixelScale: Float, mean: [Float], std: [Float]
    ) {
        self.shorterSide = shorterSide
        self.longSideRounding = longSideRounding
        self.cropWidth = cropWidth
        self.cropHeight = cropHeight
        self.cropOffsetRounding = cropOffsetRounding
        self.filter = filter
        self.pixelScale = pixelScale
        self.mean = mean
        self.std = std
    }

    /// Values per image in the output tensor: 3 · cropHeight · cropWidth.
    public var valuesPerImage: Int { 3 * cropHeight * cropWidth }

    /// The size the image is resized to before cropping.
    /// - Throws: `ImageError.invalidArgument` when a side is not positive, `.tooLarge` when the
    ///   aspect ratio is so extreme that the longer side would exceed `ImageResizer.maximumSide`.
    public func resizedSize(width: Int, height: Int) throws -> (width: Int, height: Int) {
        guard width > 0, height > 0 else { throw ImageError(.invalidArgument, "cannot preprocess a \(width)×\(height) image") }
        let shorter = min(width, height), longer = max(width, height)
        let long = longSideRounding.apply(Double(longer) * Double(shorterSide) / Double(shorter))
        guard long <= ImageResizer.maximumSide else {
            throw ImageError(.tooLarge, "a \(width)×\(height) image would be resized to a side of \(long) pixels; its aspect ratio is too extreme")
        }
        return width <= height ? (shorterSide, max(long, shorterSide)) : (max(long, shorterSide), shorterSide)
    }

    /// Where the crop lies in the resized image.
    /// - Throws: as `resizedSize(width:height:)`.
    public func cropBox(width: Int, height: Int) throws -> PixelRect {
        let resized = try resizedSize(width: width, height: height)
        return PixelRect(
            left: cropOffsetRounding.apply(Double(resized.width - cropWidth) / 2),
            top: cropOffsetRounding.apply(Double(resized.height - cropHeight) / 2),
            width: cropWidth, height: cropHeight)
    }

    /// Steps 1–2: the 8-bit centre crop of the resized image (`cropWidth` × `cropHeight`).
    /// - Throws: as `resizedSize(width:height:)`.
    public func crop(_ image: RGBImage) throws -> RGBImage {
        let resized = try resizedSize(width: image.width, height: image.height)
        let box = try cropBox(width: image.width, height: image.height)
        return try ImageResizer.resize(image, width: resized.width, height: resized.height, filter: filter, region: box)
    }

    /// Steps 1–4 for one image: `3 × cropHeight × cropWidth` floats, channel-first.
    /// - Throws: as `resizedSize(width:height:)`.
    public func tensor(for image: RGBImage) throws -> [Float] {
        try tensor(for: [image])
    }

    /// Steps 1–4 for a batch: `images.count × 3 × cropHeight × cropWidth` floats (NCHW).
    /// - Throws: as `resizedSize(width:height:)`; the message says which image failed.
    public func tensor(for images: [RGBImage]) throws -> [Float] {
        let crops = try images.enumerated().map { index, image in
            do { return try crop(image) } catch let error as ImageError {
                throw ImageError(error.code, "image \(index) of the batch: \(error.message)", underlying: error.underlying)
            }
        }
        let table = normalisationTable()
        return [Float](unsafeUninitializedCapacity: crops.count * valuesPerImage) { buffer, count in
            for (index, crop) in crops.enumerated() {
                let start = index * valuesPerImage
                normalise(crop, table: table, into: UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + valuesPerImage)]))
            }
            count = crops.count * valuesPerImage
        }
    }

    /// Steps 3–4 on an already cropped image, written into `output` (`3 × height × width`
    /// floats, channel-first): the pointer-level core of `tensor(for:)`.
    /// - Precondition: `output.count == 3 * crop.width * crop.height`.
    public func normalise(_ crop: RGBImage, into output: UnsafeMutableBufferPointer<Float>) {
        normalise(crop, table: normalisationTable(), into: output)
    }

    /// For each channel, the normalised value of each of the 256 pixel values, computed in Double
    /// and rounded once to Float.
    func normalisationTable() -> [Float] {
        (0..<3).flatMap { channel in
            (0..<256).map { p in
                Float((Double(p) * Double(pixelScale) - Double(mean[channel])) / Double(std[channel]))
            }
        }
    }

    private func normalise(_ crop: RGBImage, table: [Float], into output: UnsafeMutableBufferPointer<Float>) {
        let plane = crop.width * crop.height
        precondition(output.count == 3 * plane, "the output holds \(output.count) floats, not 3·\(crop.width)·\(crop.height)")
        crop.pixels.withUnsafeBufferPointer { pixels in
            table.withUnsafeBufferPointer { table in
                let out = output.baseAddress!, pixels = pixels.baseAddress!, table = table.baseAddress!
                for i in 0..<plane {
                    out[i] = table[Int(pixels[3 &* i])]
                    out[plane &+ i] = table[256 &+ Int(pixels[3 &* i &+ 1])]
                    out[2 &* plane &+ i] = table[512 &+ Int(pixels[3 &* i &+ 2])]
                }
            }
        }
    }
}
