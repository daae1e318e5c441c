// Tokenizers: text → token ids for Loupe's text encoders, with no Python and no network.
//
// What this module owns:
// - `BertTokenizer`: BERT uncased WordPiece (all-MiniLM-L6-v2), identical ids to Hugging Face
//   `tokenizers` as sentence-transformers runs it.
// - `TokenBatch`: padded ids and attention masks for a batch of texts.
// - Reading vocabularies (`vocab.txt`, `tokenizer.json`), with
//   `TokenizerError` for files that are missing or malformed.
//
// What it must not touch: model weights, tensors, files other than the vocabulary files it is
// pointed at, and the network. It depends on Foundation only (Unicode normalization, JSON).
// Tokenizing never throws and never traps, whatever the Unicode: odd text gets `[UNK]`, not an
// error.
