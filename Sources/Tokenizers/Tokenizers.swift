// Tokenizers: text → token ids for Loupe's text encoders, with no Python and no network.
//
// What this module owns:
// - `BertTokenizer`: BERT uncased WordPiece (all-MiniLM-L6-v2), identical ids to Hugging Face
//   `tokenizers` as sentence-transformers runs it.
// - `CLIPTokenizer`: CLIP's byte-level BPE, identical ids to open_clip's `SimpleTokenizer`,
//   including the text clean-up it does first (`CLIPTextNormalizer`: a documented subset of ftfy,
//   HTML unescaping, whitespace collapse, lowercasing).
// - `TokenBatch`: padded ids and attention masks for a batch of texts.
// - Reading vocabularies (`vocab.txt`, `vocab.json` + `merges.txt`, `tokenizer.json`), with
//   `TokenizerError` for files that are missing or malformed.
//
// What it must not touch: model weights, tensors, files other than the vocabulary files it is
// pointed at, and the network. It depends on Foundation only (Unicode normalization, JSON).
// Tokenizing never throws and never traps, whatever the Unicode: odd text gets `[UNK]` or byte
// tokens, not an error.
