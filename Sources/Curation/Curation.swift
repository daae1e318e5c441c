// Curation: what people do with a catalog's embeddings beyond search — see the structure of the
// data (clusters, 2-D maps), pick rows to label, remove duplicates, find wrong labels.
//
// It builds on VectorMath (kernels, BLAS, k-means engine) and VectorIndex (HNSW for kNN graphs)
// and works on plain arrays of Float32 rows and per-row values that callers pass in. It knows
// nothing about storage, datasets or HTTP: the catalog stores what it computes.
