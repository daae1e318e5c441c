# Loupe — the two commands of the quick start, and a few more for developers.
#   make demo   set up everything and run Loupe's main job (for now: the vector-search benchmark
#               against hnswlib and faiss on real Fashion-MNIST data, printed as a table)
#   make test   the whole test suite

SWIFT ?= swift

.PHONY: demo test build deps bench-ann bench-minhash clean

deps:
	@scripts/install-system-packages.sh build

build: deps
	$(SWIFT) build -c release --product loupe

test: deps
	$(SWIFT) test

demo: deps
	scripts/bench-ann.sh fashion-mnist

# The full benchmark of issue #2: fashion-mnist and clustered384, Loupe and peers in one run.
bench-ann: deps
	scripts/bench-ann.sh fashion-mnist,clustered384

# MinHash LSH against datasketch on WordNet glosses and ann_peers.py's synthetic sets.
bench-minhash: deps
	scripts/bench-minhash.sh

clean:
	rm -rf .build .bench
