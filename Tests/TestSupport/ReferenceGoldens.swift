// The golden files of ../shared/reference (copied into the test targets' Fixtures), decoded with
// the fields the tokenizer and encoder tests use; names follow the JSON keys.

/// `minilm/minilm_golden.json`: all-MiniLM-L6-v2 ids and sentence embeddings.
public struct MiniLMGolden: Decodable, Sendable {
    public struct Case: Decodable, Sendable {
        public var name: String
        public var text: String
        public var token_ids: [Int32]
        public var tokens: [String]
        public var num_tokens_untruncated: Int
        public var truncated: Bool
        public var embedding: [Float]
    }

    /// Six texts encoded together, right-padded.
    public struct Batch: Decodable, Sendable {
        public var case_names: [String]
        public var texts: [String]
        public var input_ids: [[Int32]]
        public var attention_mask: [[Int32]]
        public var embeddings: [[Float]]
    }

    public var cases: [Case]
    public var batch: Batch
}

/// `clip_tiny/clip_golden.json`: CLIP ids, the tiny model's embeddings and logits.
public struct CLIPGolden: Decodable, Sendable {
    public struct Text: Decodable, Sendable {
        public var name: String
        public var text: String
        public var ids_open_clip: [Int32]
        public var ids_hf: [Int32]
        public var num_tokens: Int
        public var num_tokens_untruncated: Int
        public var truncated: Bool
        public var eot_index: Int
        public var text_embeds_unnormalized: [Float]
        public var text_embeds: [Float]
        /// Only where HF's tokenizer disagrees with open_clip's.
        public var text_embeds_for_ids_hf: [Float]?
        public var hf_eot_index: Int?
    }

    public struct Image: Decodable, Sendable {
        public var file: String
        public var image_embeds_unnormalized: [Float]
        public var image_embeds: [Float]
    }

    public struct Logits: Decodable, Sendable {
        public var values: [[Float]]
    }

    public var texts: [Text]
    public var images: [Image]
    public var logits_per_text: Logits
}
