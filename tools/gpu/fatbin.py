#!/usr/bin/env python3
"""Prune and restore the CUDA kernels of a shared library (ONNX Runtime's CUDA provider), standard library only.

prune SRC DST REMOVED MAP --keep-arch 90
    Copies SRC to DST with the payload of every fatbin entry whose architecture is not kept overwritten by zeros.
    The layout stays byte for byte (same offsets, sizes and headers), so the CUDA driver still registers every
    fatbin and picks the kept sm_90 cubins on an sm_90 GPU; the zeros compress to nothing. The removed bytes go to
    REMOVED, in order, and MAP (JSON) lists their offsets with the SHA-256 of SRC and DST.
restore PRUNED REMOVED MAP DST
    Writes the removed bytes back and checks the result against SRC's SHA-256.
summary SO
    Prints the fatbin entries by kind and architecture.
"""
import argparse
import collections
import hashlib
import json
import os
import shutil
import struct
import sys

FATBIN_MAGIC = 0xBA55ED50
KINDS = {1: "ptx", 2: "elf"}


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def section(data, name):
    """(offset, size) of a section of a 64-bit little-endian ELF file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    names_offset, = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)
    for i in range(shnum):
        header = shoff + i * shentsize
        name_index, = struct.unpack_from("<I", data, header)
        end = data.index(b"\0", names_offset + name_index)
        if data[names_offset + name_index:end].decode() == name:
            offset, size = struct.unpack_from("<QQ", data, header + 0x18)
            return offset, size
    raise SystemExit(f"no {name} section: this library holds no CUDA kernels")


def entries(data):
    """Every fatbin entry of .nv_fatbin: (payload offset, payload size, kind, arch)."""
    start, size = section(data, ".nv_fatbin")
    position, end = start, start + size
    while position < end:
        position += -position % 8
        if position + 16 > end:
            break
        magic, _, header_size, fat_size = struct.unpack_from("<IHHQ", data, position)
        if magic != FATBIN_MAGIC:
            if data[position:position + 8] == bytes(8):
                position += 8
                continue
            raise SystemExit(f"unexpected bytes at {position:#x} in .nv_fatbin: not a fatbin header")
        entry, fat_end = position + header_size, position + header_size + fat_size
        while entry < fat_end:
            kind, _, entry_header, payload = struct.unpack_from("<HHIQ", data, entry)
            arch, = struct.unpack_from("<I", data, entry + 28)
            if entry_header < 32 or entry + entry_header + payload > fat_end:
                raise SystemExit(f"fatbin entry at {entry:#x} runs past its fatbin: unknown format")
            yield entry + entry_header, payload, KINDS.get(kind, str(kind)), arch
            entry += entry_header + payload
        position = fat_end


def prune(arguments):
    data = bytearray(open(arguments.src, "rb").read())
    keep = set(arguments.keep_arch)
    ranges, removed = [], 0
    with open(arguments.removed, "wb") as out:
        for offset, size, kind, arch in list(entries(data)):
            # Keep every kept architecture's cubins, and PTX an sm_90 GPU can compile (PTX never runs on an older GPU).
            if arch in keep or (kind == "ptx" and arch <= max(keep)):
                continue
            out.write(data[offset:offset + size])
            data[offset:offset + size] = bytes(size)
            ranges.append([offset, size])
            removed += size
    with open(arguments.dst, "wb") as out:
        out.write(data)
    shutil.copymode(arguments.src, arguments.dst)
    json.dump({"source_sha256": sha256(arguments.src), "source_size": os.path.getsize(arguments.src),
               "pruned_sha256": sha256(arguments.dst), "kept_arch": sorted(keep), "removed_bytes": removed,
               "ranges": ranges}, open(arguments.map, "w"))
    print(f"pruned {len(ranges)} fatbin entries ({removed / 2**20:.0f} MiB) not built for sm_{'/'.join(map(str, sorted(keep)))}")


def restore(arguments):
    plan = json.load(open(arguments.map))
    data = bytearray(open(arguments.pruned, "rb").read())
    with open(arguments.removed, "rb") as source:
        for offset, size in plan["ranges"]:
            data[offset:offset + size] = source.read(size)
        if source.read(1):
            raise SystemExit("the removed bytes are longer than the map says: wrong file")
    with open(arguments.dst, "wb") as out:
        out.write(data)
    shutil.copymode(arguments.pruned, arguments.dst)
    if sha256(arguments.dst) != plan["source_sha256"]:
        raise SystemExit("the restored library's SHA-256 differs from the original's: a chunk is wrong")
    print(f"restored {len(plan['ranges'])} fatbin entries; SHA-256 matches the original")


def summary(arguments):
    data = open(arguments.so, "rb").read()
    sizes, counts = collections.Counter(), collections.Counter()
    for _, size, kind, arch in entries(data):
        sizes[(kind, arch)] += size
        counts[(kind, arch)] += 1
    for key in sorted(sizes):
        print(f"{key[0]} sm_{key[1]}: {counts[key]} entries, {sizes[key] / 2**20:.1f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="verb", required=True)
    p = verbs.add_parser("prune")
    p.add_argument("src"); p.add_argument("dst"); p.add_argument("removed"); p.add_argument("map")
    p.add_argument("--keep-arch", type=int, action="append", required=True)
    p.set_defaults(run=prune)
    r = verbs.add_parser("restore")
    r.add_argument("pruned"); r.add_argument("removed"); r.add_argument("map"); r.add_argument("dst")
    r.set_defaults(run=restore)
    s = verbs.add_parser("summary")
    s.add_argument("so")
    s.set_defaults(run=summary)
    arguments = parser.parse_args()
    arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())
