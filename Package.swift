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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        // Tensor, operations and weight readers the encoders run on.
        .target(
            name: "NeuralNet",
            dependencies: ["CBLAS", "VectorMath"],
            // The element-wise kernels are SIMD8 code that is ~50× slower unoptimised; -O in debug
            // builds too keeps the encoder tests (real MiniLM forward passes) fast.
            swiftSettings: [.unsafeFlags(["-O"])]
        ),
        // Text → token ids (BERT WordPiece, CLIP byte-level BPE); Foundation only.
        .target(name: "Tokenizers"),
        // The models: MiniLM/BERT and CLIP (text and vision towers) on NeuralNet's ops.
        .target(
            name: "Encoders",
            dependencies: ["NeuralNet", "Tokenizers", "VectorMath"]
        ),
        .executableTarget(
            name: "loupe",
            dependencies: [
                "VectorIndex",
                "VectorMath",
                "Encoders",
                "NeuralNet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["VectorMath", "VectorIndex"],
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
        .testTarget(
            name: "NeuralNetTests",
            dependencies: ["NeuralNet", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TextEncodersTests",
            dependencies: ["Encoders", "NeuralNet", "Tokenizers", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TokenizersTests",
            dependencies: ["Tokenizers", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
