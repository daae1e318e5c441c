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
        .library(name: "Curation", targets: ["Curation"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
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
        // Clustering, 2-D projection and the other curation algorithms; no storage, no HTTP.
        .target(
            name: "Curation",
            dependencies: ["VectorIndex", "VectorMath", "CBLAS"]
        ),
        // Text → token ids (BERT WordPiece, CLIP byte-level BPE); Foundation only.
        .target(name: "Tokenizers"),
        .executableTarget(
            name: "loupe",
            dependencies: [
                "Curation",
                "VectorIndex",
                "VectorMath",
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
            name: "CurationTests",
            dependencies: ["Curation", "VectorIndex", "VectorMath", "TestSupport"],
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
