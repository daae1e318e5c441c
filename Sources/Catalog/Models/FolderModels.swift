import Encoders
import Foundation
import VectorMath

/// Models named by the path of a Hugging Face folder (`config.json` + `model.safetensors`, as
/// `save_pretrained` writes it) rather than by a registered name, so a user's own download
/// works wherever a model name does (`loupe spaces create --model ~/models/clip-vit-base-patch32`).
///
/// `config.json`'s `model_type` chooses the architecture:
///
/// | `model_type` | model | rows | text queries |
/// |---|---|---|---|
/// | `clip` | `CLIPModel`: both towers, `projection_dim`-d | images | yes: CLIP's text tower |
/// | `resnet` | `ResNetModel` / `ResNetForImageClassification` pooled features (+ classes) | images | no |
/// | `bert` | a sentence-transformers BERT (pooling from `1_Pooling`), `hidden_size`-d | texts | yes |
///
/// Images are prepared as `preprocessor_config.json` says (shortest edge, `crop_pct` or
/// `crop_size`, mean and std), or else as the architecture's reference does.
public enum FolderModels {
    /// The descriptor and loader of the model at `name`, when `name` is a path (it contains `/`
    /// or starts with `~` or `.`); `nil` for any other name. The descriptor's name is the
    /// folder's absolute path, which is what a space stores.
    /// - Throws: `CatalogError(.notFound)` when there is no such folder or it has no
    ///   `config.json`, `.unsupported` for an architecture Loupe does not run, `.invalidArgument`
    ///   for a `config.json` or `preprocessor_config.json` it cannot read.
    public static func entry(named name: String) throws -> (ModelDescriptor, ModelRegistry.Loader)? {
        guard name.contains("/") || name.hasPrefix("~") || name.hasPrefix(".") else { return nil }
        let folder = URL(fileURLWithPath: (name as NSString).expandingTildeInPath, isDirectory: true).standardizedFileURL
        let configURL = folder.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw CatalogError(.notFound, "no model folder at '\(folder.path)': a Hugging Face model folder has a config.json")
        }
        let config = try jsonObject(configURL)
        let path = folder.path
        switch config["model_type"] as? String {
        case "clip":
            let configuration = try catalogError { try CLIPConfiguration(contentsOf: configURL) }
            let preprocessor = try imagePreprocessor(
                folder, fallback: clipPreprocessor(side: configuration.vision.imageSize), defaultMean: ImagePreprocessor.clip.mean,
                defaultStd: ImagePreprocessor.clip.std)
            let descriptor = ModelDescriptor(
                name: path, dimensions: configuration.projectionDimension, metric: .cosine, mediaTypes: [.image],
                summary: "CLIP from \(path): images, searchable by words (\(configuration.projectionDimension)-d)")
            return (descriptor, { @Sendable in
                let (text, image) = try await offload {
                    (try CLIPTextEncoder(folder: folder), try CLIPImageEncoder(folder: folder))
                }
                return JointModel(descriptor: descriptor, text: text, image: image, preprocessor: preprocessor)
            })
        case "resnet":
            let configuration = try catalogError { try ResNetConfiguration(contentsOf: configURL) }
            guard let dimensions = configuration.hiddenSizes.last else {
                throw CatalogError(.invalidArgument, "'\(configURL.path)' has no hidden_sizes")
            }
            let preprocessor = try imagePreprocessor(
                folder, fallback: .imageNet, defaultMean: ImagePreprocessor.imageNet.mean, defaultStd: ImagePreprocessor.imageNet.std)
            let descriptor = ModelDescriptor(
                name: path, dimensions: dimensions, metric: .cosine, mediaTypes: [.image],
                summary: "ResNet from \(path): pooled image features (\(dimensions)-d)")
            return (descriptor, { @Sendable in
                let encoder = try await offload { try ResNetEncoder(folder: folder) }
                return ImageFeatureModel(descriptor: descriptor, encoder: encoder, preprocessor: preprocessor)
            })
        case "bert":
            let configuration = try catalogError { try BertConfiguration(contentsOf: configURL) }
            let descriptor = ModelDescriptor(
                name: path, dimensions: configuration.hiddenSize, metric: .cosine, mediaTypes: [.text],
                summary: "BERT sentence encoder from \(path) (\(configuration.hiddenSize)-d)")
            return (descriptor, { @Sendable in
                TextModel(descriptor: descriptor, encoder: try await offload { try MiniLMEncoder(folder: folder) })
            })
        case let type:
            throw CatalogError(
                .unsupported,
                "'\(configURL.path)' is a \(type.map { "'\($0)'" } ?? "model without model_type"); Loupe runs clip, resnet and bert folders")
        }
    }

    /// CLIP's preparation at another resolution: shorter side and square crop `side`.
    private static func clipPreprocessor(side: Int) throws -> ImagePreprocessor {
        try ImagePreprocessor(
            shorterSide: side, longSideRounding: .down, cropWidth: side, cropHeight: side, cropOffsetRounding: .down,
            pixelScale: 1 / 255, mean: ImagePreprocessor.clip.mean, std: ImagePreprocessor.clip.std)
    }

    /// The preparation `preprocessor_config.json` describes, as Hugging Face's image processors
    /// apply it: the shorter side resized to `size.shortest_edge` (÷ `crop_pct` when there is
    /// one, as `ConvNextImageProcessor` does), a centre crop of `crop_size` (else the shortest
    /// edge), `x = (p · rescale_factor − mean) / std`, bicubic. `fallback` when the file is absent.
    static func imagePreprocessor(_ folder: URL, fallback: ImagePreprocessor, defaultMean: [Float], defaultStd: [Float]) throws -> ImagePreprocessor {
        let url = folder.appendingPathComponent("preprocessor_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return fallback }
        let config = try jsonObject(url)
        func side(_ key: String) -> Int? {
            if let value = config[key] as? Int { return value }
            guard let object = config[key] as? [String: Any] else { return nil }
            return (object["shortest_edge"] ?? object["height"]) as? Int
        }
        func floats(_ key: String, _ fallback: [Float]) -> [Float] {
            (config[key] as? [Double]).map { $0.map(Float.init) } ?? fallback
        }
        guard let shortest = side("size") ?? side("crop_size") else {
            throw CatalogError(.invalidArgument, "'\(url.path)' gives no size (size.shortest_edge or crop_size)")
        }
        var resized = shortest, crop = side("crop_size") ?? shortest
        if let cropFraction = config["crop_pct"] as? Double, cropFraction > 0 {
            resized = Int(Double(shortest) / cropFraction)
            crop = shortest
        }
        return try catalogError {
            try ImagePreprocessor(
                shorterSide: resized, longSideRounding: .down, cropWidth: crop, cropHeight: crop, cropOffsetRounding: .down,
                pixelScale: Float(config["rescale_factor"] as? Double ?? 1.0 / 255), mean: floats("image_mean", defaultMean),
                std: floats("image_std", defaultStd))
        }
    }

    private static func jsonObject(_ url: URL) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CatalogError(.notFound, "cannot read '\(url.path)'")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CatalogError(.invalidArgument, "'\(url.path)' is not a JSON object")
        }
        return object
    }

    /// Runs `body`, turning an encoder's configuration error into `invalidArgument` with its message.
    private static func catalogError<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError(.invalidArgument, "\(error)")
        }
    }
}
