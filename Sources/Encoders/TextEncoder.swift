// Encoders: Loupe's models, which turn texts and images into embedding vectors on the CPU with
// NeuralNet's ops — MiniLM/BERT sentence embeddings and CLIP's text and vision towers (this file
// and Models/MiniLM*, Models/CLIP*, Models/Transformer*), EfficientNet-Lite and ResNet, and image
// decoding. A model is read from a Hugging-Face-format folder (config.json, model.safetensors,
// tokenizer files); its weights are checked by name and shape when it is loaded.
//
// What this module must not touch: storage, indexes, HTTP, downloading. It depends on NeuralNet
// (tensors, ops, weight readers) and Tokenizers.

/// A model that embeds texts: one `dimensions`-float vector per text, in order.
///
/// Implementations are immutable after loading and safe to call from several threads at once;
/// each call uses NeuralNet's worker threads (`Parallel`) for itself.
public protocol TextEncoder: Sendable {
    /// The length of every embedding.
    var dimensions: Int { get }

    /// The embeddings of `texts`, in the same order (no text is ever dropped; an empty string has
    /// an embedding too).
    /// - Throws: `NeuralNetError` if the model cannot run on an input.
    func embed(_ texts: [String]) throws -> [[Float]]
}
