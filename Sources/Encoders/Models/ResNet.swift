import NeuralNet

/// ResNet (He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016) as
/// Hugging Face `ResNetModel` builds it: embedder (conv 7×7 s2 p3 + BN + ReLU, max pool 3×3 s2
/// p1), stages of basic or bottleneck layers (stride on the 3×3 by default, "v1.5"; shortcut
/// 1×1 conv + BN when the shape changes), global average pool. Batch norms (ε = 10⁻⁵) are folded
/// into the convolutions; the residual add and its ReLU run in the last convolution's epilogue.
/// Weights may carry the `resnet.` prefix and `classifier.1` head of `ResNetForImageClassification`.
struct ResNet: Sendable {
    struct Layer: Sendable {
        /// Two (basic) or three (bottleneck) convolutions; the last one has no activation of
        /// its own: ReLU follows the residual add.
        let convolutions: [Conv2D]
        let shortcut: Conv2D?
    }

    private static let epsilon = 1e-5
    let configuration: ResNetConfiguration
    let embedder: Conv2D
    let pool = MaxPool2D(kernelSize: 3, stride: 2, padding: .symmetric(1))
    let stages: [[Layer]]
    let classifier: LinearLayer?

    var dimensions: Int { configuration.hiddenSizes.last ?? 0 }

    /// - Throws: `NeuralNetError` naming every missing, misshapen or unexpected tensor.
    init(_ archive: any WeightArchive, configuration: ResNetConfiguration) throws {
        self.configuration = configuration
        let reader = WeightReader(archive)
        let prefix = reader.contains("resnet.embedder.embedder.convolution.weight") ? "resnet." : ""
        func conv(_ name: String, out: Int, in inputs: Int, kernel: Int, stride: Int = 1, activation: ConvolutionActivation) throws -> Conv2D {
            try Conv2D(
                weight: reader.tensor(prefix + name + "convolution.weight", shape: [out, inputs, kernel, kernel]),
                stride: stride, padding: .symmetric(kernel / 2),
                batchNorm: BatchNormalization(reader, prefix: prefix + name + "normalization.", channels: out, epsilon: Self.epsilon),
                activation: activation)
        }
        embedder = try conv("embedder.embedder.", out: configuration.embeddingSize, in: configuration.numChannels, kernel: 7, stride: 2, activation: .relu)
        var stages: [[Layer]] = []
        var channels = configuration.embeddingSize
        for (s, (size, depth)) in zip(configuration.hiddenSizes, configuration.depths).enumerated() {
            var layers: [Layer] = []
            for l in 0..<depth {
                let stride = l == 0 && (s > 0 || configuration.downsampleInFirstStage) ? 2 : 1
                let p = "encoder.stages.\(s).layers.\(l)."
                let shortcut = channels != size || stride != 1
                    ? try conv(p + "shortcut.", out: size, in: channels, kernel: 1, stride: stride, activation: .identity) : nil
                let convolutions: [Conv2D]
                switch configuration.layerType {
                case .basic:
                    convolutions = [
                        try conv(p + "layer.0.", out: size, in: channels, kernel: 3, stride: stride, activation: .relu),
                        try conv(p + "layer.1.", out: size, in: size, kernel: 3, activation: .relu),
                    ]
                case .bottleneck:
                    let reduced = size / 4
                    let onFirst = configuration.downsampleInBottleneck
                    convolutions = [
                        try conv(p + "layer.0.", out: reduced, in: channels, kernel: 1, stride: onFirst ? stride : 1, activation: .relu),
                        try conv(p + "layer.1.", out: reduced, in: reduced, kernel: 3, stride: onFirst ? 1 : stride, activation: .relu),
                        try conv(p + "layer.2.", out: size, in: reduced, kernel: 1, activation: .relu),
                    ]
                }
                layers.append(Layer(convolutions: convolutions, shortcut: shortcut))
                channels = size
            }
            stages.append(layers)
        }
        self.stages = stages
        classifier = reader.contains("classifier.1.weight")
            ? try LinearLayer(reader, prefix: "classifier.1.", inputs: channels, outputs: archive.shape(of: "classifier.1.weight")?.first ?? 0)
            : nil
        try reader.checkAllUsed { $0.hasSuffix("num_batches_tracked") }
    }

    /// The geometry of every convolution for one input size, and the scratch it needs.
    struct Plan {
        let height: Int, width: Int
        let embedder: WindowGeometry
        let pool: WindowGeometry
        /// Per stage, per layer: the geometry of each convolution, then of the shortcut.
        let stages: [[(convolutions: [WindowGeometry], shortcut: WindowGeometry?)]]
        /// (height, width, channels) after the embedder and after each stage.
        let hiddenShapes: [(height: Int, width: Int, channels: Int)]
        let largestActivation: Int
        let convolutionScratch: Int

        var inputCount: Int { 3 * height * width }
    }

    func plan(height: Int, width: Int) throws -> Plan {
        let embedderGeometry = try embedder.geometry(height: height, width: width)
        let poolGeometry = try pool.geometry(height: embedderGeometry.outputHeight, width: embedderGeometry.outputWidth, channels: embedder.outputChannels)
        var largest = max(configuration.numChannels * height * width, embedderGeometry.outputPixels * embedder.outputChannels)
        var scratch = embedder.scratchCount(embedderGeometry)
        var (h, w) = (poolGeometry.outputHeight, poolGeometry.outputWidth)
        var shapes = [(h, w, embedder.outputChannels)]
        var stagePlans: [[([WindowGeometry], WindowGeometry?)]] = []
        for stage in stages {
            var layerPlans: [([WindowGeometry], WindowGeometry?)] = []
            for layer in stage {
                let shortcut = try layer.shortcut?.geometry(height: h, width: w)
                var geometries: [WindowGeometry] = []
                var (lh, lw) = (h, w)
                for conv in layer.convolutions {
                    let g = try conv.geometry(height: lh, width: lw)
                    geometries.append(g)
                    scratch = max(scratch, conv.scratchCount(g))
                    largest = max(largest, g.outputPixels * conv.outputChannels)
                    (lh, lw) = (g.outputHeight, g.outputWidth)
                }
                if let shortcut, let conv = layer.shortcut { scratch = max(scratch, conv.scratchCount(shortcut)) }
                layerPlans.append((geometries, shortcut))
                (h, w) = (lh, lw)
            }
            stagePlans.append(layerPlans)
            shapes.append((h, w, stage.last?.convolutions.last?.outputChannels ?? shapes.last!.2))
        }
        return Plan(
            height: height, width: width, embedder: embedderGeometry, pool: poolGeometry,
            stages: stagePlans.map { $0.map { (convolutions: $0.0, shortcut: $0.1) } },
            hiddenShapes: shapes.map { (height: $0.0, width: $0.1, channels: $0.2) }, largestActivation: largest,
            convolutionScratch: scratch)
    }

    /// Runs the NCHW images at `input`: the pooled features (`count × dimensions`) into `pooled`,
    /// and, when `hiddenStates` is given, the embedder's and each stage's output (NCHW) into them.
    func run(
        _ input: UnsafePointer<Float>, count: Int, plan: Plan, lanes: ImageLanes, pool scratchPool: ScratchPool,
        pooled: UnsafeMutablePointer<Float>, hiddenStates: [UnsafeMutablePointer<Float>]?
    ) {
        let laneScratch = lanes.threads * plan.convolutionScratch
        lanes.run(count: count, scratchPerImage: 3 * plan.largestActivation, scratchPerLane: laneScratch, pool: scratchPool) { images, scratch, threads in
            let n = images.count
            let capacity = n * plan.largestActivation
            // x: the current feature map; a, b: free.
            var (x, a, b) = (scratch + laneScratch, scratch + laneScratch + capacity, scratch + laneScratch + 2 * capacity)
            func keep(_ index: Int) {
                guard let hiddenStates else { return }
                let shape = plan.hiddenShapes[index]
                let pixels = shape.height * shape.width
                FeatureMapLayout.nchw(
                    fromNHWC: x, images: n, channels: shape.channels, pixels: pixels,
                    into: hiddenStates[index] + images.lowerBound * pixels * shape.channels)
            }
            FeatureMapLayout.nhwc(
                fromNCHW: input + images.lowerBound * plan.inputCount, images: n, channels: configuration.numChannels,
                pixels: plan.height * plan.width, into: x)
            embedder.run(x, images: n, geometry: plan.embedder, into: a, scratch: scratch, threads: threads)
            pool.run(a, images: n, geometry: plan.pool, into: x, threads: threads)
            keep(0)
            for (s, (stage, stagePlan)) in zip(stages, plan.stages).enumerated() {
                for (layer, layerPlan) in zip(stage, stagePlan) {
                    let convs = layer.convolutions, g = layerPlan.convolutions
                    // Every convolution but the last alternates between a and b.
                    var source = UnsafePointer(x)
                    var (target, other) = (a, b)
                    for i in 0..<(convs.count - 1) {
                        convs[i].run(source, images: n, geometry: g[i], into: target, scratch: scratch, threads: threads)
                        source = UnsafePointer(target)
                        (target, other) = (other, target)
                    }
                    // `target` is free: the shortcut goes there, and the last convolution writes
                    // over x (whose values the shortcut has consumed); with an identity
                    // shortcut, x itself is the residual and the output goes to `target`.
                    let last = convs[convs.count - 1]
                    if let shortcut = layer.shortcut, let shortcutGeometry = layerPlan.shortcut {
                        shortcut.run(x, images: n, geometry: shortcutGeometry, into: target, scratch: scratch, threads: threads)
                        last.run(source, images: n, geometry: g[g.count - 1], into: x, residual: target, scratch: scratch, threads: threads)
                    } else {
                        last.run(source, images: n, geometry: g[g.count - 1], into: target, residual: x, scratch: scratch, threads: threads)
                        (x, target) = (target, x)
                    }
                    (a, b) = (target, other)
                }
                keep(s + 1)
            }
            let final = plan.hiddenShapes[plan.hiddenShapes.count - 1]
            GlobalAveragePool.run(
                x, images: n, pixels: final.height * final.width, channels: final.channels,
                into: pooled + images.lowerBound * final.channels)
        }
    }
}
