// swift-tools-version: 6.1
import PackageDescription

// Loupe: a self-hosted embeddings catalog. Module layout and dependency direction follow
// DESIGN.md: C libraries at the bottom, then VectorMath, VectorIndex, and the `loupe` executable.
let package = Package(
    name: "Loupe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "loupe", targets: ["loupe"]),
        .library(name: "VectorIndex", targets: ["VectorIndex"]),
        .library(name: "VectorMath", targets: ["VectorMath"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Encoders", targets: ["Encoders"]),
        .library(name: "Curation", targets: ["Curation"]),
        .library(name: "Catalog", targets: ["Catalog"]),
        .library(name: "LoupeServer", targets: ["LoupeServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // OpenBLAS through its CBLAS header (Debian `libopenblas-dev`).
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // SIMD kernels (scalar, AVX2+FMA, AVX-512) chosen at run time by CPUID.
        .target(
            name: "CVectorKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        .target(
            name: "VectorMath",
            dependencies: ["CBLAS", "CVectorKernels"]
        ),
        .target(
            name: "VectorIndex",
            dependencies: ["VectorMath", "CVectorKernels"]
        ),
        // The convolution loops BLAS does not cover (depthwise, epilogues, pooling, im2col), per
        // instruction set, chosen at run time with CVectorKernels' CPU detection.
        .target(
            name: "CConvolutionKernels",
            dependencies: ["CVectorKernels"],
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        // Tensor, operations and weight readers the encoders run on.
        .target(
            name: "NeuralNet",
            dependencies: ["CBLAS", "VectorMath", "CVectorKernels", "CConvolutionKernels"],
            // The element-wise kernels are SIMD8 code that is ~50× slower unoptimised; -O in debug
            // builds too keeps the encoder tests (real MiniLM forward passes) fast.
            swiftSettings: [.unsafeFlags(["-O"])]
        ),
        // Curation over vectors: clustering, 2-D projection, selection, near-duplicates, per-row
        // scores, metric aggregates. No storage, no HTTP.
        .target(
            name: "Curation",
            dependencies: ["VectorIndex", "VectorMath", "CVectorKernels", "CBLAS"]
        ),
        // Text → token ids (BERT WordPiece, CLIP byte-level BPE); Foundation only.
        .target(name: "Tokenizers"),
        // Image codecs through their Debian -dev packages: libjpeg-turbo's TurboJPEG API, libpng,
        // libwebp (+ its demuxer, for animated files).
        .systemLibrary(
            name: "CTurboJPEG",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CWebP",
            providers: [.apt(["libwebp-dev"])]
        ),
        // libpng's setjmp/longjmp error handling, which Swift cannot do itself. (The module map's
        // `link` reaches only Swift importers, so the shim names the library itself.)
        .target(
            name: "CImageShims",
            dependencies: ["CPNG"],
            linkerSettings: [.linkedLibrary("png")]
        ),
        // Image decoding and preprocessing, the models (MiniLM, EfficientNet-Lite, ResNet, CLIP),
        // ConSE, and the model store that fetches their files.
        .target(
            name: "Encoders",
            dependencies: [
                "NeuralNet", "Tokenizers", "VectorMath", "CTurboJPEG", "CWebP", "CImageShims",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Datasets, data rows, embedding spaces, vectors, labels, metrics, jobs; the Store protocol
        // and its SQLite implementation (GRDB); import, export and search. No HTTP.
        .target(
            name: "Catalog",
            dependencies: [
                "Curation",
                "Encoders",
                "VectorIndex",
                "VectorMath",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The HTTP API (Hummingbird): routes, errors at the edge, API keys, OpenAPI document.
        // The web UI's files (WebUI/) are compiled in by the EmbedWebUI plugin.
        .target(
            name: "LoupeServer",
            dependencies: [
                "Catalog", "Curation", "Encoders",
                "VectorMath", "VectorIndex",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["WebUI"],
            plugins: ["EmbedWebUI"]
        ),
        // Writes the web UI's files into Swift source for the EmbedWebUI plugin.
        .executableTarget(name: "EmbedWebUITool"),
        .plugin(
            name: "EmbedWebUI",
            capability: .buildTool(),
            dependencies: ["EmbedWebUITool"]
        ),
        .executableTarget(
            name: "loupe",
            dependencies: [
                "Encoders",
                "Curation",
                "Catalog",
                "VectorIndex",
                "VectorMath",
                "NeuralNet",
                "LoupeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["VectorMath", "VectorIndex", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "VectorMathTests",
            dependencies: ["VectorMath", "TestSupport"]
        ),
        .testTarget(
            name: "VectorIndexTests",
            dependencies: ["VectorIndex", "VectorMath", "TestSupport"]
        ),
        // Deterministic test models and fixtures shared by the catalog tests and their child process.
        .target(
            name: "CatalogTestSupport",
            dependencies: ["Catalog", "VectorMath"],
            path: "Tests/CatalogTestSupport"
        ),
        // Imports vectors into a catalog and waits to be killed: the kill -9 durability test's child.
        .executableTarget(
            name: "catalog-crash-helper",
            dependencies: ["Catalog", "CatalogTestSupport"],
            path: "Tests/CatalogCrashHelper"
        ),
        .testTarget(
            name: "CatalogTests",
            dependencies: ["Catalog", "CatalogTestSupport", "Encoders", "VectorIndex", "VectorMath", "TestSupport", "catalog-crash-helper",
                           // The migration test writes a version-1 database directly.
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "NeuralNetTests",
            dependencies: ["NeuralNet", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "EncodersTests",
            dependencies: ["Encoders", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "CurationSelectTests",
            dependencies: ["Curation", "VectorIndex", "VectorMath", "TestSupport"]
        ),
        .testTarget(
            name: "CurationTests",
            dependencies: ["Curation", "VectorIndex", "VectorMath", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TextEncodersTests",
            dependencies: ["Encoders", "NeuralNet", "Tokenizers", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "VisionEncodersTests",
            dependencies: ["Encoders", "NeuralNet", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TokenizersTests",
            dependencies: ["Tokenizers", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "LoupeServerTests",
            dependencies: [
                "LoupeServer",
                "Catalog",
                "CatalogTestSupport",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
