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

    /// One residual layer in running order, with where it sits.
    struct Step {
        let stage: Int
        let layer: Layer
        let convolutions: [WindowGeometry]
        let shortcut: WindowGeometry?
        /// Whether the stage ends with this layer (its output is a hidden state).
        let endsStage: Bool
    }

    /// The geometry of every convolution for one input size, and the scratch it needs.
    struct Plan {
        let height: Int, width: Int
        let embedder: WindowGeometry
        let pool: WindowGeometry
        let steps: [Step]
        /// (height, width, channels) after the embedder and after each stage.
        let hiddenShapes: [(height: Int, width: Int, channels: Int)]
        /// Layers before `split` run one image at a time, the rest on all of a lane's images.
        let split: Int
        /// Floats per image of the feature map entering layer `split`.
        let splitCount: Int
        /// Floats of the largest feature map of one image before and after the split.
        let largestEarly: Int, largestLate: Int
        let convolutionScratch: Int

        var inputCount: Int { 3 * height * width }
    }

    func plan(height: Int, width: Int) throws -> Plan {
        let embedderGeometry = try embedder.geometry(height: height, width: width)
        let poolGeometry = try pool.geometry(height: embedderGeometry.outputHeight, width: embedderGeometry.outputWidth, channels: embedder.outputChannels)
        var largestEarly = max(configuration.numChannels * height * width, embedderGeometry.outputPixels * embedder.outputChannels)
        var largestLate = 0
        var scratch = embedder.scratchCount(embedderGeometry)
        var (h, w, channels) = (poolGeometry.outputHeight, poolGeometry.outputWidth, embedder.outputChannels)
        var shapes = [(height: h, width: w, channels: channels)]
        var steps: [Step] = []
        var split: Int?
        var splitCount = 0
        for (s, stage) in stages.enumerated() {
            for (l, layer) in stage.enumerated() {
                if split == nil && h * w <= EfficientNetLite.batchedPixels { (split, splitCount) = (steps.count, h * w * channels) }
                let shortcut = try layer.shortcut?.geometry(height: h, width: w)
                var geometries: [WindowGeometry] = []
                var largest = 0
                for conv in layer.convolutions {
                    let g = try conv.geometry(height: geometries.last?.outputHeight ?? h, width: geometries.last?.outputWidth ?? w)
                    geometries.append(g)
                    scratch = max(scratch, conv.scratchCount(g))
                    largest = max(largest, g.outputPixels * conv.outputChannels)
                }
                if let shortcut, let conv = layer.shortcut { scratch = max(scratch, conv.scratchCount(shortcut)) }
                if split == nil { largestEarly = max(largestEarly, largest) } else { largestLate = max(largestLate, largest) }
                steps.append(Step(stage: s, layer: layer, convolutions: geometries, shortcut: shortcut, endsStage: l == stage.count - 1))
                (h, w) = (geometries.last?.outputHeight ?? h, geometries.last?.outputWidth ?? w)
                channels = layer.convolutions.last?.outputChannels ?? channels
            }
            shapes.append((h, w, channels))
        }
        if split == nil { splitCount = h * w * channels }
        return Plan(
            height: height, width: width, embedder: embedderGeometry, pool: poolGeometry, steps: steps,
            hiddenShapes: shapes, split: split ?? steps.count, splitCount: splitCount, largestEarly: largestEarly,
            largestLate: max(largestLate, splitCount), convolutionScratch: scratch)
    }

    /// Runs the NCHW images at `input`: the pooled features (`count × dimensions`) into `pooled`,
    /// and, when `hiddenStates` is given, the embedder's and each stage's output (NCHW) into them.
    func run(
        _ input: UnsafePointer<Float>, count: Int, plan: Plan, lanes: ImageLanes, pool scratchPool: ScratchPool,
        pooled: UnsafeMutablePointer<Float>, hiddenStates: [UnsafeMutablePointer<Float>]?
    ) {
        // Lane scratch: im2col per thread, then the early buffers (one image), then the late
        // buffers (all of the lane's images).
        let convolution = lanes.threads * plan.convolutionScratch
        let early = 3 * plan.largestEarly
        let scratchCount = convolution + early + 3 * lanes.imagesPerLane(count: count) * plan.largestLate
        lanes.run(count: count, scratchCount: scratchCount, pool: scratchPool) { images, scratch, threads in
            /// Copies hidden state `index` of `n` images, the first being `first`, out of `map`.
            func keep(_ index: Int, _ map: UnsafePointer<Float>, images n: Int, first: Int) {
                guard let hiddenStates else { return }
                let shape = plan.hiddenShapes[index]
                let pixels = shape.height * shape.width
                FeatureMapLayout.nchw(
                    fromNHWC: map, images: n, channels: shape.channels, pixels: pixels,
                    into: hiddenStates[index] + first * pixels * shape.channels)
            }
            var late = ResidualBuffers(base: scratch + convolution + early, capacity: images.count * plan.largestLate)
            for (slot, image) in images.enumerated() {
                var buffers = ResidualBuffers(base: scratch + convolution, capacity: plan.largestEarly)
                FeatureMapLayout.nhwc(
                    fromNCHW: input + image * plan.inputCount, images: 1, channels: configuration.numChannels,
                    pixels: plan.height * plan.width, into: buffers.x)
                embedder.run(buffers.x, images: 1, geometry: plan.embedder, into: buffers.a, scratch: scratch, threads: threads)
                pool.run(buffers.a, images: 1, geometry: plan.pool, into: buffers.x, threads: threads)
                if plan.split > 0 { keep(0, buffers.x, images: 1, first: image) }
                for step in plan.steps[..<plan.split] {
                    run(step, on: &buffers, images: 1, scratch: scratch, threads: threads)
                    if step.endsStage { keep(step.stage + 1, buffers.x, images: 1, first: image) }
                }
                (late.x + slot * plan.splitCount).update(from: buffers.x, count: plan.splitCount)
            }
            let n = images.count
            if plan.split == 0 { keep(0, late.x, images: n, first: images.lowerBound) }
            for step in plan.steps[plan.split...] {
                run(step, on: &late, images: n, scratch: scratch, threads: threads)
                if step.endsStage { keep(step.stage + 1, late.x, images: n, first: images.lowerBound) }
            }
            let final = plan.hiddenShapes[plan.hiddenShapes.count - 1]
            GlobalAveragePool.run(
                late.x, images: n, pixels: final.height * final.width, channels: final.channels,
                into: pooled + images.lowerBound * final.channels)
        }
    }

    /// Runs one residual layer on the `n` feature maps in `buffers.x`, leaving its output there.
    private func run(_ step: Step, on buffers: inout ResidualBuffers, images n: Int, scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let convs = step.layer.convolutions, g = step.convolutions
        // Every convolution but the last alternates between a and b.
        var source = UnsafePointer(buffers.x)
        var (target, other) = (buffers.a, buffers.b)
        for i in 0..<(convs.count - 1) {
            convs[i].run(source, images: n, geometry: g[i], into: target, scratch: scratch, threads: threads)
            source = UnsafePointer(target)
            (target, other) = (other, target)
        }
        // `target` is free: the shortcut goes there, and the last convolution writes over x
        // (whose values the shortcut has consumed); with an identity shortcut, x itself is the
        // residual and the output goes to `target`.
        let last = convs[convs.count - 1]
        if let shortcut = step.layer.shortcut, let shortcutGeometry = step.shortcut {
            shortcut.run(buffers.x, images: n, geometry: shortcutGeometry, into: target, scratch: scratch, threads: threads)
            last.run(source, images: n, geometry: g[g.count - 1], into: buffers.x, residual: target, scratch: scratch, threads: threads)
            (buffers.a, buffers.b) = (target, other)
        } else {
            last.run(source, images: n, geometry: g[g.count - 1], into: target, residual: buffers.x, scratch: scratch, threads: threads)
            (buffers.x, buffers.a, buffers.b) = (target, buffers.x, other)
        }
    }
}

/// The three feature maps a residual layer needs: its input `x` (which receives the output when
/// the shortcut is a convolution) and two free buffers.
private struct ResidualBuffers {
    var x, a, b: UnsafeMutablePointer<Float>

    /// Three buffers of `capacity` floats each, laid out from `base`.
    init(base: UnsafeMutablePointer<Float>, capacity: Int) {
        (x, a, b) = (base, base + capacity, base + 2 * capacity)
    }
}
