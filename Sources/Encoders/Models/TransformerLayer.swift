import NeuralNet

/// One transformer encoder layer (multi-head self-attention, then an MLP, each with a residual
/// connection and a layer norm), as BERT (post-LN) and CLIP (pre-LN) have it, over a packed batch
/// (`SequenceLayout`). The query, key and value projections are fused into one `Linear`.
struct TransformerLayer: Sendable {
    /// Where the layer norms sit.
    enum NormPlacement: Sendable {
        /// BERT: `x = LN1(x + attn(x))`, `x = LN2(x + mlp(x))`.
        case post
        /// CLIP, GPT-2: `x = x + attn(LN1(x))`, `x = x + mlp(LN2(x))`.
        case pre
    }

    let placement: NormPlacement
    let heads: Int
    /// width → 3·width: query ‖ key ‖ value.
    let queryKeyValue: Linear
    /// width → width, after attention.
    let attentionOutput: Linear
    /// Post-LN: after attention; pre-LN: before it.
    let norm1: LayerNorm
    /// Post-LN: after the MLP; pre-LN: before it.
    let norm2: LayerNorm
    /// width → intermediate.
    let up: Linear
    /// intermediate → width.
    let down: Linear
    let activation: Activation

    var width: Int { attentionOutput.outputs }
    var intermediate: Int { up.outputs }

    /// Checks that the parts fit together: `width` divisible by `heads`, the projections' sizes.
    /// - Throws: `NeuralNetError` `.badConfiguration` or `.shapeMismatch`.
    init(
        placement: NormPlacement, heads: Int, query: Linear, key: Linear, value: Linear, attentionOutput: Linear,
        norm1: LayerNorm, norm2: LayerNorm, up: Linear, down: Linear, activation: Activation
    ) throws {
        let width = attentionOutput.outputs
        guard heads > 0, width % heads == 0 else {
            throw NeuralNetError(.badConfiguration, "hidden size \(width) is not divisible by \(heads) attention heads")
        }
        guard [query.inputs, query.outputs, key.outputs, value.outputs, attentionOutput.inputs, norm1.width, norm2.width, up.inputs, down.outputs]
            .allSatisfy({ $0 == width }), down.inputs == up.outputs
        else {
            throw NeuralNetError(.shapeMismatch, "the tensors of a transformer layer of width \(width) do not fit together")
        }
        self.placement = placement
        self.heads = heads
        queryKeyValue = try Linear(concatenating: [query, key, value])
        self.attentionOutput = attentionOutput
        self.norm1 = norm1
        self.norm2 = norm2
        self.up = up
        self.down = down
        self.activation = activation
    }

    /// Runs the layer on `hidden` (`layout.tokenCount × width`) in place.
    /// - Parameter scratch: sized for at least `layout.tokenCount` tokens.
    func forward(_ hidden: UnsafeMutablePointer<Float>, layout: SequenceLayout, causal: Bool, scratch: TransformerScratch) {
        let tokens = layout.tokenCount
        precondition(tokens <= scratch.tokens && width <= scratch.width && intermediate <= scratch.intermediate)
        let qkv = scratch.queryKeyValue.pointer
        let context = scratch.context.pointer
        let temporary = scratch.temporary.pointer
        let inner = scratch.intermediateValues.pointer
        let headDimension = width / heads

        switch placement {
        case .post:
            queryKeyValue.apply(hidden, rows: tokens, into: qkv)
            Attention.selfAttention(qkv: qkv, layout: layout, heads: heads, headDimension: headDimension, causal: causal, into: context)
            attentionOutput.apply(context, rows: tokens, into: temporary, addingBias: false)
            withBias(attentionOutput) { norm1.apply(sumOf: temporary, hidden, bias: $0, rows: tokens, into: hidden) }
            up.apply(hidden, rows: tokens, into: inner, addingBias: false)
            withBias(up) { activation.apply(to: inner, rows: tokens, columns: intermediate, bias: $0) }
            down.apply(inner, rows: tokens, into: temporary, addingBias: false)
            withBias(down) { norm2.apply(sumOf: temporary, hidden, bias: $0, rows: tokens, into: hidden) }
        case .pre:
            norm1.apply(hidden, rows: tokens, into: temporary)
            queryKeyValue.apply(temporary, rows: tokens, into: qkv)
            Attention.selfAttention(qkv: qkv, layout: layout, heads: heads, headDimension: headDimension, causal: causal, into: context)
            attentionOutput.apply(context, rows: tokens, into: hidden, accumulate: true)
            norm2.apply(hidden, rows: tokens, into: temporary)
            up.apply(temporary, rows: tokens, into: inner, addingBias: false)
            withBias(up) { activation.apply(to: inner, rows: tokens, columns: intermediate, bias: $0) }
            down.apply(inner, rows: tokens, into: hidden, accumulate: true)
        }
    }

    /// Calls `body` with a pointer to `linear`'s bias, or nil when it has none.
    private func withBias(_ linear: Linear, _ body: (UnsafePointer<Float>?) -> Void) {
        guard let bias = linear.bias else { return body(nil) }
        bias.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// The activations of a transformer's layers for one batch, allocated once and reused by every
/// layer (and every batch that fits). One worker uses a scratch at a time.
final class TransformerScratch {
    let tokens: Int
    let width: Int
    let intermediate: Int
    /// tokens × 3·width.
    let queryKeyValue: ScratchBuffer
    /// tokens × width: the attention heads' outputs.
    let context: ScratchBuffer
    /// tokens × width: a layer's sub-block output before the residual, or a normalised copy.
    let temporary: ScratchBuffer
    /// tokens × intermediate: the MLP's hidden values.
    let intermediateValues: ScratchBuffer
    /// tokens × width: the hidden states the layers update in place.
    let hidden: ScratchBuffer
    /// sequences × width: one pooled vector per sequence.
    let pooled: ScratchBuffer

    init(tokens: Int, width: Int, intermediate: Int, sequences: Int = 0) {
        self.tokens = tokens
        self.width = width
        self.intermediate = intermediate
        queryKeyValue = ScratchBuffer(capacity: tokens * 3 * width)
        context = ScratchBuffer(capacity: tokens * width)
        temporary = ScratchBuffer(capacity: tokens * width)
        intermediateValues = ScratchBuffer(capacity: tokens * intermediate)
        hidden = ScratchBuffer(capacity: tokens * width)
        pooled = ScratchBuffer(capacity: sequences * width)
    }
}
