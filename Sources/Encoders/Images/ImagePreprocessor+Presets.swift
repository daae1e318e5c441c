extension ImagePreprocessor {
    /// EfficientNet-Lite (the shipped EfficientNet-Lite0, `shared/reference/README.md` §2):
    /// shorter side 256 with the longer side rounded to nearest (Python `round`), bicubic, centre
    /// 224 × 224 with floored offsets, `x = (p − 127) / 128` (TF's MEAN_RGB = 127,
    /// STDDEV_RGB = 128, not the ImageNet statistics).
    public static let efficientNetLite = preset(
        shorterSide: 256, longSideRounding: .nearestEven, crop: 224, cropOffsetRounding: .down, pixelScale: 1,
        mean: [127, 127, 127], std: [128, 128, 128])

    /// ImageNet models in Hugging Face format such as microsoft/resnet-50 (`ConvNextImageProcessor`
    /// with `crop_pct` 0.875): shorter side int(224 / 0.875) = 256 with the longer side truncated,
    /// bicubic, centre 224 × 224 with floored offsets, `x = (p / 255 − mean) / std` with the
    /// ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).
    ///
    /// torchvision's `Resize(256)` + `CenterCrop(224)` differs in two ways: it rounds the crop
    /// offset to nearest (`cropOffsetRounding = .nearestEven`) and its `Resize` defaults to
    /// bilinear.
    public static let imageNet = preset(
        shorterSide: 256, longSideRounding: .down, crop: 224, cropOffsetRounding: .down, pixelScale: 1 / 255,
        mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

    /// CLIP ViT-B at 224 (Hugging Face `CLIPImageProcessor`): shorter side 224 with the longer
    /// side truncated, bicubic, centre 224 × 224 with floored offsets, `x = (p / 255 − mean) / std`
    /// with CLIP's mean (0.48145466, 0.4578275, 0.40821073) and std (0.26862954, 0.26130258,
    /// 0.27577711). For another input resolution, build one with
    /// `init(shorterSide:…)` and the same rounding and statistics.
    public static let clip = preset(
        shorterSide: 224, longSideRounding: .down, crop: 224, cropOffsetRounding: .down, pixelScale: 1 / 255,
        mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711])

    /// A preset's configuration, which is valid by construction (checked by the tests).
    private static func preset(
        shorterSide: Int, longSideRounding: Rounding, crop: Int, cropOffsetRounding: Rounding, pixelScale: Float, mean: [Float],
        std: [Float]
    ) -> ImagePreprocessor {
        ImagePreprocessor(
            checkedShorterSide: shorterSide, longSideRounding: longSideRounding, cropWidth: crop, cropHeight: crop,
            cropOffsetRounding: cropOffsetRounding, filter: .bicubic, pixelScale: pixelScale, mean: mean, std: std)
    }
}
