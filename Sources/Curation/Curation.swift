// Curation: what a data team does with a catalog's embeddings once they are in it — see the
// structure of the data, pick what to label, remove duplicates, find wrong labels.
//
// It owns the algorithms that read rows of vectors (and texts, labels and metric values) and
// answer curation questions: how the rows group (`KMeans`, `HDBSCAN`, cluster summaries) and where
// they sit on a 2-D map (`PCA`, `UMAP`); which rows to pick (`SmartSelect`: random, ordered, per
// cluster, diverse k-center coresets, without near-duplicates); which rows repeat each other
// (`NearDuplicates`, over vectors or texts); how unique, representative or likely mislabelled a
// row is (`KNNGraph`, `RowScores`, `LabelMistakes`); and how a metric aggregates over a
// filter (`MetricAggregate`, `MetricValues`).
//
// It builds on VectorIndex (HNSW, MinHash LSH) and VectorMath (kernels, BLAS, the k-means engine)
// and must not touch storage, HTTP or encoders: rows are the dense `UInt32` slots the catalog maps
// to data rows, and every input arrives as arrays in memory.
