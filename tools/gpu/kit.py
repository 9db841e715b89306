#!/usr/bin/env python3
"""Collects the chunks that tools/gpu/stage packed into gpu-kit/callN/ and reassembles the kit, standard library only.

collect REPO WORK
    Moves every carried chunk whose SHA-256 matches the manifest from REPO/gpu-kit/call*/ to WORK/chunks/ (so the
    calls of one warm machine add up), then, once a stream is complete, checks its SHA-256, unpacks the kit to
    WORK/kit/ and, when the restore stream is complete too, puts the pruned CUDA kernels back (checked against the
    original library's SHA-256). Prints a JSON status; exit code 0 when the kit is ready to measure, 3 when more
    calls must come first (the status names them), 1 on a bad chunk or stream.
"""
import glob
import hashlib
import json
import lzma
import os
import shutil
import subprocess
import sys
import tarfile


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Joined:
    """The chunks of one stream read as one file, in order, hashing as it goes."""

    def __init__(self, paths):
        self.paths, self.index, self.current = list(paths), 0, None
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        while self.index < len(self.paths):
            if self.current is None:
                self.current = open(self.paths[self.index], "rb")
            data = self.current.read(size if size and size > 0 else 1 << 20)
            if data:
                self.digest.update(data)
                return data
            self.current.close()
            self.current, self.index = None, self.index + 1
        return b""


def unpack(chunks, destination):
    """xz-compressed tar from the joined chunks into destination; returns the stream's SHA-256."""
    joined = Joined(chunks)
    if shutil.which("xz"):
        process = subprocess.Popen(["xz", "-dc"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        tar = subprocess.Popen(["tar", "-x", "-C", destination], stdin=process.stdout)
        process.stdout.close()
        for block in iter(lambda: joined.read(1 << 20), b""):
            process.stdin.write(block)
        process.stdin.close()
        if process.wait() != 0 or tar.wait() != 0:
            raise SystemExit("the kit stream does not unpack (xz -dc | tar -x failed)")
    else:
        with lzma.open(joined) as stream, tarfile.open(fileobj=stream, mode="r|") as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(destination, filter="data")
            else:
                archive.extractall(destination)
    joined.read()  # anything past the end of the xz stream still counts towards the checksum
    return joined.digest.hexdigest()


def decompress(chunks, destination):
    joined = Joined(chunks)
    with lzma.open(joined) as stream, open(destination, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    joined.read()
    return joined.digest.hexdigest()


def collect(repo, work):
    status = {"stage_id": None, "moved": [], "have": {}, "missing": {}, "kit_ready": False, "restored": False, "notes": []}
    manifests = sorted(glob.glob(os.path.join(repo, "gpu-kit", "call*", "manifest.json")))
    chunks_dir = os.path.join(work, "chunks")
    stored = os.path.join(work, "manifest.json")
    os.makedirs(chunks_dir, exist_ok=True)
    manifest = json.load(open(manifests[0])) if manifests else (json.load(open(stored)) if os.path.exists(stored) else None)
    if manifest is None:
        status["notes"].append("no gpu-kit/callN/ carried and nothing collected before: run tools/gpu/stage here, then carry gpu-kit/call1")
        return status, 1
    if os.path.exists(stored) and json.load(open(stored))["stage_id"] != manifest["stage_id"]:
        status["notes"].append("the chunks collected before belong to another staging: discarded")
        shutil.rmtree(work)
        os.makedirs(chunks_dir)
    if manifests:
        shutil.copy(manifests[0], stored)
    status["stage_id"] = manifest["stage_id"]
    expected = {c["name"]: c for s in manifest["streams"].values() for c in s["chunks"]}

    for path in manifests:
        if json.load(open(path))["stage_id"] != manifest["stage_id"]:
            raise SystemExit(f"{os.path.dirname(path)} was staged apart from the others (another stage_id): stage again and carry one staging's calls")
        for chunk_path in sorted(glob.glob(os.path.join(os.path.dirname(path), "*.part*"))):
            name = os.path.basename(chunk_path)
            if name not in expected:
                raise SystemExit(f"{chunk_path} is not in the manifest")
            if os.path.getsize(chunk_path) != expected[name]["bytes"] or sha256_file(chunk_path) != expected[name]["sha256"]:
                raise SystemExit(f"{chunk_path}: size or SHA-256 differs from the manifest (a cut-off transfer?): carry call {expected[name]['call']} again")
            shutil.move(chunk_path, os.path.join(chunks_dir, name))
            status["moved"].append(name)

    complete = {}
    for stream, description in manifest["streams"].items():
        present = [c["name"] for c in description["chunks"] if os.path.exists(os.path.join(chunks_dir, c["name"]))]
        status["have"][stream] = present
        status["missing"][stream] = [c["call"] for c in description["chunks"] if c["name"] not in present]
        complete[stream] = not status["missing"][stream]

    kit = os.path.join(work, "kit")
    ready_mark = os.path.join(work, "kit.ready")
    if complete["kit"] and not os.path.exists(ready_mark):
        shutil.rmtree(kit, ignore_errors=True)
        os.makedirs(kit)
        paths = [os.path.join(chunks_dir, c["name"]) for c in manifest["streams"]["kit"]["chunks"]]
        if unpack(paths, kit) != manifest["streams"]["kit"]["sha256"]:
            raise SystemExit("the joined kit stream's SHA-256 differs from the manifest: stage again")
        open(ready_mark, "w").write(manifest["stage_id"])
        for path in paths:
            os.remove(path)  # unpacked: the chunks' space goes back to the disk
        status["notes"].append("kit unpacked")
    status["kit_ready"] = os.path.exists(ready_mark)

    restore_mark = os.path.join(work, "provider.restored")
    if "restore" in manifest["streams"] and complete["restore"] and status["kit_ready"] and not os.path.exists(restore_mark):
        removed = os.path.join(work, "restore.bin")
        paths = [os.path.join(chunks_dir, c["name"]) for c in manifest["streams"]["restore"]["chunks"]]
        if decompress(paths, removed) != manifest["streams"]["restore"]["sha256"]:
            raise SystemExit("the joined restore stream's SHA-256 differs from the manifest: stage again")
        provider = os.path.join(kit, "senet", "libonnxruntime_providers_cuda.so")
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([sys.executable, os.path.join(here, "fatbin.py"), "restore", provider, removed,
                        os.path.join(kit, "provider-restore.json"), provider + ".full"], check=True)
        os.replace(provider + ".full", provider)
        os.remove(removed)
        open(restore_mark, "w").write(manifest["stage_id"])
        status["notes"].append("CUDA provider restored to the whole library")
    status["restored"] = os.path.exists(restore_mark)
    status["pruned"] = "restore" in manifest["streams"] and not status["restored"]

    # Measure once the kit is complete, unless restore chunks have started to arrive and are not all here yet.
    restore_partial = "restore" in manifest["streams"] and status["have"]["restore"] and not complete["restore"] and not status["restored"]
    if not status["kit_ready"]:
        status["next_calls"] = status["missing"]["kit"]
        return status, 3
    if restore_partial:
        status["next_calls"] = status["missing"]["restore"]
        return status, 3
    return status, 0


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "collect":
        print(__doc__, file=sys.stderr)
        return 2
    try:
        status, code = collect(sys.argv[2], sys.argv[3])
    except SystemExit as e:
        print(json.dumps({"error": str(e)}))
        return 1
    print(json.dumps(status))
    return code


if __name__ == "__main__":
    sys.exit(main())
